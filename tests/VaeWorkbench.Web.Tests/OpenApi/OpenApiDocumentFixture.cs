using System.Text.Json;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.OpenApi;

/// <summary>The app and its OpenAPI document, fetched once for a test class.</summary>
public sealed class OpenApiDocumentFixture : IAsyncLifetime
{
    public WorkbenchFactory Factory { get; } = new();

    public string Json { get; private set; } = "";

    public JsonElement Root { get; private set; }

    public async Task InitializeAsync()
    {
        Json = await Factory.CreateClient().GetStringAsync("/openapi/v1.json");
        Root = JsonDocument.Parse(Json).RootElement;
    }

    /// <summary>Every operation as (method, path, operation object).</summary>
    public IEnumerable<(string Method, string Path, JsonElement Operation)> Operations() =>
        from path in Root.GetProperty("paths").EnumerateObject()
        from operation in path.Value.EnumerateObject()
        where operation.Name != "parameters"
        select (operation.Name.ToUpperInvariant(), path.Name, operation.Value);

    public JsonElement Schema(string name) => Root.GetProperty("components").GetProperty("schemas").GetProperty(name);

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}

internal static class OpenApiJson
{
    public static bool DeclaresResponse(this JsonElement operation, string status) =>
        operation.GetProperty("responses").TryGetProperty(status, out _);

    public static bool HasBearerRequirement(this JsonElement operation) =>
        operation.TryGetProperty("security", out var security)
        && security.EnumerateArray().Any(requirement => requirement.TryGetProperty("bearer", out _));

    public static IEnumerable<JsonElement> Parameters(this JsonElement operation) =>
        operation.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray() : [];

    public static IReadOnlySet<string> Required(this JsonElement schema) =>
        schema.TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()!).ToHashSet() : new HashSet<string>();
}
