using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.E2E;

/// <summary>
/// The model card in a real browser: an Owner writes it in the model page's editor with a live preview and saves it; the
/// page shows it rendered with nothing of its script running; a card over the circuit's 32 KB message size saves too; a
/// Viewer sees the card but no editor.
/// </summary>
public sealed class ModelCardFlowTests : BrowserTest
{
    private const string ModelName = "card-e2e";

    private const string Card = """
        # Fashion shirts

        | metric | value |
        | --- | --- |
        | ELBO | -245.1 |

        - [x] validated on the held-out split

        <img src="x" onerror="alert('img')"> <script>alert('script')</script> [run me](javascript:alert('link'))
        """;

    [Fact]
    public async Task An_owner_edits_the_card_with_a_live_preview_and_a_viewer_reads_it()
    {
        using var owner = await ApiSession.RegisterAsync(Server.BaseUrl, "card-owner@example.test");
        var teamId = (await owner.GetJsonAsync("/api/me")).GetProperty("teams")[0].GetProperty("id").GetGuid();
        await ImportUntrainedModelAsync(owner);

        var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) => dialogs.Add(dialog.Message);
        await FailureArtifacts.RunAsync(page, Server, "model-card-owner", async () =>
        {
            await page.SignInAsync("card-owner@example.test");
            await page.GotoAsync($"/registry/{ModelName}");
            await page.WaitForInteractivityAsync();
            await Assertions.Expect(page.Locator("#model-card-html")).ToHaveTextAsync("No model card yet.");

            await page.ClickAsync("#card-edit");
            await Assertions.Expect(page.GetByLabel("Model card (Markdown)")).ToBeEditableAsync();
            await page.FillAsync("#card-markdown", Card);
            await Assertions.Expect(page.Locator("#card-preview td").First).ToHaveTextAsync("ELBO");
            // Typed key by key, the preview follows.
            await page.Locator("#card-markdown").PressSequentiallyAsync("\n\n## Typed live");
            await Assertions.Expect(page.Locator("#card-preview h2")).ToHaveTextAsync("Typed live");
            await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, "model-card-editor.png"), FullPage = true });
            await page.ClickAsync("#card-save");

            var shown = page.Locator("#model-card-html");
            await Assertions.Expect(shown.Locator("h1")).ToHaveTextAsync("Fashion shirts");
            await Assertions.Expect(shown.Locator("h2")).ToHaveTextAsync("Typed live");
            await Assertions.Expect(shown.Locator("input[type=checkbox]")).ToBeCheckedAsync();
            await Assertions.Expect(shown.Locator("input[type=checkbox]")).ToBeDisabledAsync();
            await Assertions.Expect(shown.GetByText("run me")).ToBeVisibleAsync();
            await Assertions.Expect(shown.Locator("img, script, [href^='javascript']")).ToHaveCountAsync(0);
            await shown.GetByText("run me").ClickAsync();
            Assert.Equal(Card + "\n\n## Typed live", (await owner.GetJsonAsync($"/api/registry/{ModelName}/card")).GetProperty("markdown").GetString());

            // Larger than one circuit message may be: read as a stream, the card still previews and saves.
            var large = "# Large card\n\n" + string.Concat(Enumerable.Repeat("Reconstruction error per class, measured again. ", 1000));
            await page.ClickAsync("#card-edit");
            await page.FillAsync("#card-markdown", large);
            await Assertions.Expect(page.Locator("#card-preview h1")).ToHaveTextAsync("Large card");
            await page.ClickAsync("#card-save");
            await Assertions.Expect(page.Locator("#model-card-html h1")).ToHaveTextAsync("Large card");
            Assert.Equal(large, (await owner.GetJsonAsync($"/api/registry/{ModelName}/card")).GetProperty("markdown").GetString());

            await page.GotoAsync($"/registry/{ModelName}/versions/1");
            await Assertions.Expect(page.Locator("#card-model-card h1")).ToHaveTextAsync("Large card");
            Assert.Empty(dialogs);
        });
        await context.CloseAsync();

        await ApiSession.Expect(await owner.Client.PutAsJsonAsync($"/api/registry/{ModelName}/card", new { markdown = Card }), HttpStatusCode.NoContent);
        var invite = await owner.SendAsync(await owner.Client.PostAsJsonAsync($"/api/teams/{teamId}/invites", new { role = "Viewer" }), HttpStatusCode.OK);
        using var viewer = await ApiSession.RegisterAsync(Server.BaseUrl, "card-viewer@example.test");
        await viewer.SendAsync(await viewer.Client.PostAsJsonAsync("/api/teams/join", new { code = invite.GetProperty("code").GetString() }), HttpStatusCode.OK);
        await ApiSession.Expect(await viewer.Client.PutAsJsonAsync("/api/me/current-team", new { teamId }), HttpStatusCode.NoContent);

        var viewerContext = await NewContextAsync();
        var viewerPage = await viewerContext.NewPageAsync();
        viewerPage.Dialog += (_, dialog) => dialogs.Add(dialog.Message);
        await FailureArtifacts.RunAsync(viewerPage, Server, "model-card-viewer", async () =>
        {
            await viewerPage.SignInAsync("card-viewer@example.test");
            await viewerPage.GotoAsync($"/registry/{ModelName}");
            await viewerPage.WaitForInteractivityAsync();
            await Assertions.Expect(viewerPage.Locator("#model-card-html td").First).ToHaveTextAsync("ELBO");
            await Assertions.Expect(viewerPage.Locator("#card-edit")).ToHaveCountAsync(0);
            Assert.Empty(dialogs);
        });
        await viewerContext.CloseAsync();
    }

    private static async Task ImportUntrainedModelAsync(ApiSession owner)
    {
        using var model = new MemoryStream();
        ModelFile.Save(model, new Vae(VaeConfig.MlpPreset(), seed: 1));
        var file = new ByteArrayContent(model.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var form = new MultipartFormDataContent { { new StringContent(ModelName), "name" }, { file, "file", "model.vae" } };
        await ApiSession.Expect(await owner.Client.PostAsync("/api/registry/import", form), HttpStatusCode.Created);
    }
}
