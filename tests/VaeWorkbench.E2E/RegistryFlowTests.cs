using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E;

/// <summary>
/// Sharing in a real browser: an Owner registers a run as a model and sets the alias production; a second user invited
/// as Viewer sees the model and its card but no edit buttons, and the API refuses their writes.
/// </summary>
public sealed class RegistryFlowTests : IAsyncLifetime
{
    private const string Password = "a-long-enough-password";
    private AppServer _server = default!;
    private BrowserSession _browser = default!;

    public async Task InitializeAsync()
    {
        _server = await AppServer.StartAsync(new Dictionary<string, string> { ["Training:DefaultThreads"] = "1" });
        _browser = await BrowserSession.LaunchAsync();
    }

    [Fact]
    public async Task Register_a_run_set_production_and_a_viewer_sees_it_without_edit_buttons()
    {
        using var owner = await ApiSession.RegisterAsync(_server.BaseUrl, "owner@example.test", Password);
        var teamId = (await owner.GetJsonAsync("/api/me")).GetProperty("teams")[0].GetProperty("id").GetGuid();
        var runId = await TrainSmallRunAsync(owner);
        var secondTeam = (await owner.SendAsync(await owner.Client.PostAsJsonAsync("/api/teams", new { name = "second team" }), HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var ownerContext = await _browser.Browser.NewContextAsync(new() { BaseURL = _server.BaseUrl, ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await ownerContext.NewPageAsync();
        await FailureArtifacts.RunAsync(page, _server, "registry-owner", async () =>
        {
            await SignInAsync(page, "owner@example.test");
            await page.GotoAsync($"/runs/{runId}");
            await page.Locator("main[data-interactive='true']").WaitForAsync();
            await page.ClickAsync("#register-run");
            await page.FillAsync("#register-name", "fashion-e2e");
            await page.FillAsync("#register-tags", "fashion, e2e");
            await page.FillAsync("#register-description", "<script>alert(1)</script> **bold**");
            await page.ClickAsync("#register-submit");
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/registry/fashion-e2e$"), new() { Timeout = 60_000 });
            // The address changes as soon as the form navigates; the model's page follows once the server has rendered it.
            await Assertions.Expect(page.Locator("#versions-grid")).ToContainTextAsync("v1", new() { Timeout = 30_000 });

            await page.FillAsync("#alias-name", "production");
            await page.ClickAsync("#set-alias");
            await Assertions.Expect(page.Locator("#versions-grid")).ToContainTextAsync("production");
            await Assertions.Expect(page.Locator("#version-comparison")).ToContainTextAsync("Latent dimensions");

            await page.ClickAsync("#copy-target");
            await page.GetByRole(AriaRole.Option, new() { Name = "second team" }).ClickAsync();
            await page.ClickAsync("#copy-submit");
            await Assertions.Expect(page.Locator(".mud-snackbar").Last).ToContainTextAsync("fashion-e2e v1 in second team");
            var copied = await owner.GetJsonAsync($"/api/registry/fashion-e2e?teamId={secondTeam}");
            Assert.Single(copied.GetProperty("versions").EnumerateArray());

            var exported = await owner.Client.GetByteArrayAsync("/api/registry/fashion-e2e/versions/1/download");
            await page.GotoAsync("/registry/import");
            await page.Locator("main[data-interactive='true']").WaitForAsync();
            await page.FillAsync("#import-name", "imported-e2e");
            await page.SetInputFilesAsync("#import-file", new FilePayload { Name = "broken.vae", MimeType = "application/octet-stream", Buffer = exported[..1000] });
            await page.ClickAsync("#import-submit");
            await Assertions.Expect(page.Locator("#import-error")).ToContainTextAsync("not a valid .vae model file");
            await page.SetInputFilesAsync("#import-file", new FilePayload { Name = "model.vae", MimeType = "application/octet-stream", Buffer = exported });
            await page.ClickAsync("#import-submit");
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/registry/imported-e2e$"), new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("#versions-grid")).ToContainTextAsync("Imported from a .vae file");

            await page.GotoAsync("/registry/fashion-e2e/versions/1");
            await Assertions.Expect(page.Locator("#card-description")).ToHaveTextAsync("<script>alert(1)</script> **bold**");
            await Assertions.Expect(page.Locator("#card-samples")).ToBeVisibleAsync();
            Assert.True(await page.Locator("#card-samples").EvaluateAsync<int>("img => img.naturalWidth") > 0, "the sample grid image did not load");
            await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, "model-card.png"), FullPage = true });
        });
        await ownerContext.CloseAsync();

        var invite = await owner.SendAsync(await owner.Client.PostAsJsonAsync($"/api/teams/{teamId}/invites", new { role = "Viewer" }), HttpStatusCode.OK);
        using var viewer = await ApiSession.RegisterAsync(_server.BaseUrl, "viewer@example.test", Password);
        await viewer.SendAsync(await viewer.Client.PostAsJsonAsync("/api/teams/join", new { code = invite.GetProperty("code").GetString() }), HttpStatusCode.OK);
        await ApiSession.Expect(await viewer.Client.PutAsJsonAsync("/api/me/current-team", new { teamId }), HttpStatusCode.NoContent);

        // The server refuses the Viewer's writes, whatever the page shows; reading and downloading work.
        await ApiSession.Expect(await viewer.Client.PutAsJsonAsync("/api/registry/fashion-e2e/aliases/production", new { version = 1 }), HttpStatusCode.Forbidden);
        await ApiSession.Expect(await viewer.Client.PostAsJsonAsync("/api/registry", new { runId, name = "viewer-copy" }), HttpStatusCode.Forbidden);
        var file = new ByteArrayContent(await viewer.Client.GetByteArrayAsync("/api/registry/fashion-e2e/versions/1/download"));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        await ApiSession.Expect(await viewer.Client.PostAsync("/api/registry/import",
            new MultipartFormDataContent { { new StringContent("viewer-import"), "name" }, { file, "file", "m.vae" } }), HttpStatusCode.Forbidden);
        var model = await viewer.GetJsonAsync("/api/registry/fashion-e2e");
        Assert.Equal(["production"], model.GetProperty("versions")[0].GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));

        var viewerContext = await _browser.Browser.NewContextAsync(new() { BaseURL = _server.BaseUrl, ViewportSize = new() { Width = 1366, Height = 900 } });
        var viewerPage = await viewerContext.NewPageAsync();
        await FailureArtifacts.RunAsync(viewerPage, _server, "registry-viewer", async () =>
        {
            await SignInAsync(viewerPage, "viewer@example.test");
            await viewerPage.GotoAsync("/models");
            await viewerPage.Locator("main[data-interactive='true']").WaitForAsync();
            await Assertions.Expect(viewerPage.Locator("#registry-grid")).ToContainTextAsync("fashion-e2e");
            await Assertions.Expect(viewerPage.Locator("#registry-grid")).ToContainTextAsync("production → v1");
            await Assertions.Expect(viewerPage.Locator("#import-model")).ToHaveCountAsync(0);

            await viewerPage.GotoAsync("/registry/fashion-e2e");
            await viewerPage.Locator("main[data-interactive='true']").WaitForAsync();
            await Assertions.Expect(viewerPage.Locator("#versions-grid")).ToContainTextAsync("production");
            await Assertions.Expect(viewerPage.Locator("#set-alias")).ToHaveCountAsync(0);
            await Assertions.Expect(viewerPage.Locator("#alias-form")).ToHaveCountAsync(0);

            await viewerPage.GotoAsync($"/runs/{runId}");
            await viewerPage.Locator("main[data-interactive='true']").WaitForAsync();
            await Assertions.Expect(viewerPage.Locator("#run-status")).ToHaveTextAsync("Succeeded");
            await Assertions.Expect(viewerPage.Locator("#register-run")).ToHaveCountAsync(0);

            await viewerPage.GotoAsync("/team");
            await viewerPage.Locator("main[data-interactive='true']").WaitForAsync();
            await Assertions.Expect(viewerPage.Locator("#audit-grid")).ToContainTextAsync("set alias production on fashion-e2e v1");

            // Removal takes effect on the open page's next action.
            await viewerPage.GotoAsync("/models");
            await viewerPage.Locator("main[data-interactive='true']").WaitForAsync();
            await Assertions.Expect(viewerPage.Locator("#registry-grid")).ToContainTextAsync("fashion-e2e");
            var members = await owner.GetJsonAsync($"/api/teams/{teamId}/members");
            var viewerId = members.EnumerateArray().First(m => m.GetProperty("email").GetString() == "viewer@example.test").GetProperty("userId").GetString();
            await ApiSession.Expect(await owner.Client.DeleteAsync($"/api/teams/{teamId}/members/{viewerId}"), HttpStatusCode.NoContent);
            await viewerPage.ClickAsync("#registry-search-button");
            await Assertions.Expect(viewerPage.Locator("#registry-denied")).ToContainTextAsync("not found");
            await Assertions.Expect(viewerPage.Locator("#registry-grid")).Not.ToContainTextAsync("fashion-e2e");
            await ApiSession.Expect(await viewer.Client.GetAsync($"/api/registry/fashion-e2e?teamId={teamId}"), HttpStatusCode.NotFound);
        });
        await viewerContext.CloseAsync();

    }

    private async Task<Guid> TrainSmallRunAsync(ApiSession owner)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("fashion-small"), "name" },
            { new StringContent("28"), "imageSize" },
            { new StringContent("1"), "channels" },
        };
        var zip = new ByteArrayContent(FashionData.Zip(perClass: 50, classes: [0, 1, 7, 9]));
        zip.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        form.Add(zip, "files", "fashion.zip");
        var datasetId = (await owner.SendAsync(await owner.Client.PostAsync("/api/datasets", form), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var runId = (await owner.SendAsync(await owner.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 1, batch = 64 }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var status = (await owner.GetJsonAsync($"/api/runs/{runId}")).GetProperty("status").GetString();
            if (status == "Succeeded") return runId;
            if (status is "Failed" or "Cancelled" || DateTime.UtcNow > deadline) throw new InvalidOperationException($"the setup run ended {status}");
            await Task.Delay(250);
        }
    }

    private static Task SignInAsync(IPage page, string email) => page.SignInAsync(email, Password);

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _server.DisposeAsync();
    }
}
