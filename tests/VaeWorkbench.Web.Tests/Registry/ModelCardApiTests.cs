using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Registry;

/// <summary>
/// A team with an Owner, an Editor, a Viewer and a stranger, and one registered model (an untrained model file imported,
/// so no training is needed): enough to check who may read and write the model card over the API.
/// </summary>
public sealed class ModelCardFixture : IAsyncLifetime
{
    public const string ModelName = "card-model";

    public WorkbenchFactory Factory { get; } = new();
    public ApiUser Owner { get; private set; } = null!;
    public ApiUser Editor { get; private set; } = null!;
    public ApiUser Viewer { get; private set; } = null!;
    public ApiUser Stranger { get; private set; } = null!;
    public Guid TeamId { get; private set; }

    public async Task InitializeAsync()
    {
        Owner = await Factory.RegisterWithTokenAsync();
        TeamId = await Owner.PersonalTeamIdAsync();
        Editor = await TrainedRun.JoinAsAsync(Factory, Owner, TeamId, "Editor");
        Viewer = await TrainedRun.JoinAsAsync(Factory, Owner, TeamId, "Viewer");
        Stranger = await Factory.RegisterWithTokenAsync();

        using var stream = new MemoryStream();
        ModelFile.Save(stream, new Vae(VaeConfig.MlpPreset(), seed: 1));
        var file = new ByteArrayContent(stream.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var form = new MultipartFormDataContent { { new StringContent(ModelName), "name" }, { new StringContent(TeamId.ToString()), "teamId" }, { file, "file", "m.vae" } };
        await ApiClient.EnsureStatusAsync(await Owner.Client.PostAsync("/api/registry/import", form), HttpStatusCode.Created);
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class ModelCardApiTests(ModelCardFixture fixture) : IClassFixture<ModelCardFixture>
{
    private const string HostileCard = """
        # Fashion shirts

        | metric | value |
        | --- | --- |
        | ELBO | -245.1 |

        - [x] validated

        <script>alert('card')</script>
        [run me](javascript:alert(1)) and <img src="x" onerror="alert(2)">
        """;

    private string CardUrl => $"/api/registry/{ModelCardFixture.ModelName}/card?teamId={fixture.TeamId}";

    private string CardHtmlUrl => $"/api/registry/{ModelCardFixture.ModelName}/card.html?teamId={fixture.TeamId}";

    [Fact]
    public async Task An_editors_card_is_served_as_sanitised_html_and_as_its_markdown()
    {
        await PutCardAsync(fixture.Editor, HostileCard, HttpStatusCode.NoContent);

        var response = await fixture.Viewer.Client.GetAsync(CardHtmlUrl);
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        // The app's headers still hold: a browser opening this response would not run inline script even if some got through.
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Fashion shirts</h1>", html);
        Assert.Contains("<td>-245.1</td>", html);
        Assert.Contains("type=\"checkbox\"", html);
        Assert.Contains(">run me</a>", html);
        foreach (var hostile in new[] { "<script", "alert(", "javascript:", "onerror", "<img" })
            Assert.DoesNotContain(hostile, html, StringComparison.OrdinalIgnoreCase);

        Assert.Equal(HostileCard, await CardMarkdownAsync(fixture.Viewer));
        // The card is the model's description, as the registry's model endpoint reports it.
        Assert.Equal(HostileCard, (await fixture.Viewer.GetJsonAsync($"/api/registry/{ModelCardFixture.ModelName}?teamId={fixture.TeamId}")).GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_viewer_may_not_change_the_card()
    {
        await PutCardAsync(fixture.Owner, "Kept by the owner.", HttpStatusCode.NoContent);

        var refused = await PutCardAsync(fixture.Viewer, "Written by a viewer.", HttpStatusCode.Forbidden);
        Assert.Contains("Editor", refused.GetProperty("detail").GetString());
        Assert.Equal("Kept by the owner.", await CardMarkdownAsync(fixture.Owner));
    }

    [Fact]
    public async Task Another_teams_model_and_an_unknown_name_are_not_found()
    {
        await ApiClient.AssertProblemAsync(await fixture.Stranger.Client.GetAsync(CardHtmlUrl), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await fixture.Stranger.Client.GetAsync(CardUrl), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await fixture.Stranger.Client.PutAsJsonAsync(CardUrl, new { markdown = "taken over" }), HttpStatusCode.NotFound);
        // In the stranger's own team the name does not exist: the same answer.
        var own = await fixture.Stranger.PersonalTeamIdAsync();
        await ApiClient.AssertProblemAsync(await fixture.Stranger.Client.GetAsync($"/api/registry/{ModelCardFixture.ModelName}/card.html?teamId={own}"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await fixture.Owner.Client.GetAsync($"/api/registry/no-such-model/card.html?teamId={fixture.TeamId}"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await fixture.Owner.Client.PutAsJsonAsync($"/api/registry/no-such-model/card?teamId={fixture.TeamId}", new { markdown = "x" }), HttpStatusCode.NotFound);
        Assert.NotEqual("taken over", await CardMarkdownAsync(fixture.Owner));
    }

    [Fact]
    public async Task A_card_change_is_audited_by_name_without_its_text()
    {
        var text = $"Audited card {Guid.NewGuid():N}";
        await PutCardAsync(fixture.Editor, text, HttpStatusCode.NoContent);

        var entries = (await fixture.Viewer.GetJsonAsync($"/api/teams/{fixture.TeamId}/audit?action=registry.card_updated")).EnumerateArray().ToList();
        var entry = entries.First();
        Assert.Equal(fixture.Editor.Email, entry.GetProperty("userEmail").GetString());
        Assert.Equal("RegisteredModel", entry.GetProperty("objectType").GetString());
        Assert.Equal(ModelCardFixture.ModelName, entry.GetProperty("details").GetProperty("name").GetString());
        Assert.DoesNotContain(text, entry.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_card_over_64_KiB_of_UTF8_is_refused_naming_markdown()
    {
        await PutCardAsync(fixture.Editor, "Before the oversize attempts.", HttpStatusCode.NoContent);

        await PutCardAsync(fixture.Editor, new string('a', 64 * 1024), HttpStatusCode.NoContent);
        var tooLong = await PutCardAsync(fixture.Editor, new string('a', 64 * 1024 + 1), HttpStatusCode.BadRequest);
        Assert.StartsWith("markdown is at most 64 KiB", tooLong.GetProperty("detail").GetString());
        // Bytes count, not characters: 33,000 two-byte characters are 66,000 bytes.
        await PutCardAsync(fixture.Editor, new string('é', 33_000), HttpStatusCode.BadRequest);
        Assert.Equal(new string('a', 64 * 1024), await CardMarkdownAsync(fixture.Editor));

        var missing = await ApiClient.AssertProblemAsync(await fixture.Editor.Client.PutAsJsonAsync(CardUrl, new { text = "wrong field" }), HttpStatusCode.BadRequest);
        Assert.Contains("markdown", missing.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_empty_card_clears_it_and_renders_nothing()
    {
        await PutCardAsync(fixture.Owner, "Something", HttpStatusCode.NoContent);
        await PutCardAsync(fixture.Owner, "", HttpStatusCode.NoContent);

        Assert.Equal("", await CardMarkdownAsync(fixture.Owner));
        Assert.Equal("", (await fixture.Owner.Client.GetStringAsync(CardHtmlUrl)).Trim());
    }

    /// <summary>Sends the card and checks the status; returns the problem for a refusal, an empty element otherwise.</summary>
    private async Task<JsonElement> PutCardAsync(ApiUser user, string markdown, HttpStatusCode expected)
    {
        var response = await user.Client.PutAsJsonAsync(CardUrl, new { markdown });
        if (expected == HttpStatusCode.NoContent)
        {
            await ApiClient.EnsureStatusAsync(response, expected);
            return default;
        }
        return await ApiClient.AssertProblemAsync(response, expected);
    }

    private async Task<string?> CardMarkdownAsync(ApiUser user) => (await user.GetJsonAsync(CardUrl)).GetProperty("markdown").GetString();
}
