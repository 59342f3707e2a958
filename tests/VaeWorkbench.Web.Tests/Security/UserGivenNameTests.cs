using System.Net;
using System.Net.Http.Json;
using VaeWorkbench.Web.Teams;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Security;

public sealed class UserGivenNameTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new();

    public static TheoryData<string, string> Refused => new()
    {
        { "nul\0byte", "control characters" },
        { "line\nbreak", "control characters" },
        { "carriage\rreturn", "control characters" },
        { "escape\u001b[31m", "control characters" },
        { "invoice\u202Efdp.exe", "right-to-left or left-to-right control" },
        { "isolate\u2067x\u2069", "right-to-left or left-to-right control" },
        { "mark\u200F", "right-to-left or left-to-right control" },
        { "\u200B\u200C\u200D", "visible character" },
        { "\u3164\u3164", "visible character" },
        { "\u2800", "visible character" },
        { "\u00A0\u2003", "must not be empty" },
        { "", "must not be empty" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void The_rule_refuses_hidden_and_disguised_text(string name, string reason)
    {
        var error = Assert.Throws<RequestRejectedException>(() => UserGivenNames.Validate(name, "A name", 100));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Names_are_trimmed_and_normalised_to_nfc_and_other_scripts_pass()
    {
        Assert.Equal("Caf\u00E9", UserGivenNames.Validate("  Cafe\u0301 ", "A name", 100));
        Assert.Equal("שלום team", UserGivenNames.Validate("שלום team", "A name", 100));
        Assert.Equal("模型 v2", UserGivenNames.Validate("模型 v2", "A name", 100));
        Assert.Throws<RequestRejectedException>(() => UserGivenNames.Validate(new string('x', 101), "A name", 100));
    }

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData("evil\u202Egpj.exe")]
    [InlineData("\u200B")]
    public async Task Every_name_the_api_takes_refuses_them(string name)
    {
        var user = await _factory.RegisterWithTokenAsync();
        var team = await user.PersonalTeamIdAsync();
        await ApiClient.AssertProblemAsync(await user.Client.PostAsJsonAsync("/api/teams", new { name }), HttpStatusCode.BadRequest);
        await ApiClient.AssertProblemAsync(await user.Client.PutAsJsonAsync($"/api/teams/{team}", new { name }), HttpStatusCode.BadRequest);
        await ApiClient.AssertProblemAsync(await user.Client.PostAsJsonAsync("/api/tokens", new { name }), HttpStatusCode.BadRequest);
        var upload = await user.Client.PostAsync("/api/datasets", DatasetUploads.Form(name, 28, 1, [("a.png", HostileFiles.Png(1))]));
        await ApiClient.AssertProblemAsync(upload, HttpStatusCode.BadRequest);
        Assert.Equal(0, (await user.GetJsonAsync("/api/datasets")).GetArrayLength());
    }

    [Fact]
    public async Task Passwords_are_at_most_256_characters()
    {
        var anonymous = _factory.CreateClient();
        var refused = await anonymous.PostAsJsonAsync("/api/auth/register", new { email = "long@example.test", password = new string('p', 257) });
        Assert.Contains("at most 256 characters", (await ApiClient.AssertProblemAsync(refused, HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        var accepted = await anonymous.PostAsJsonAsync("/api/auth/register", new { email = "long@example.test", password = new string('p', 256) });
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);

        // A 10 MB password is answered as a wrong one, without hashing it.
        var huge = await anonymous.PostAsJsonAsync("/api/auth/token", new { email = "long@example.test", password = new string('p', 10_000_000), name = "t" });
        Assert.Equal(HttpStatusCode.Unauthorized, huge.StatusCode);
    }

    public void Dispose() => _factory.Dispose();
}
