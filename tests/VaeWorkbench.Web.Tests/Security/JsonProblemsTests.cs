using System.Text.Json;
using System.Text.Json.Serialization;
using VaeWorkbench.Web.Api;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Tests.Security;

public sealed class JsonProblemsTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public sealed record Sample(TeamRole Role, int Epochs, Guid Id, bool Flag, List<int>? Widths);

    [Theory]
    [InlineData("{\"role\": \"Boss\"}", "$.role: expected one of Viewer, Editor, Owner.")]
    [InlineData("{\"epochs\": \"ten\"}", "$.epochs: expected a number.")]
    [InlineData("{\"id\": 5}", "$.id: expected an id (a GUID such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301).")]
    [InlineData("{\"flag\": \"yes\"}", "$.flag: expected true or false.")]
    [InlineData("{\"widths\": 3}", "$.widths: expected an array.")]
    [InlineData("{\"epochs\": 3,,}", "The request body is not valid JSON at $ (line 1, byte 14).")]
    public void A_refused_body_is_described_in_the_clients_terms(string json, string expected)
    {
        var error = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<Sample>(json, Web));
        Assert.True(expected == JsonProblems.Describe(error).Detail, $"{JsonProblems.Describe(error).Detail} <- {error.Message}");
    }
}
