using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.E2E;

/// <summary>
/// The registry's pages on a phone (375 px) and a desktop (1440 px), in the light and the dark theme: nothing scrolls
/// sideways, the versions grid keeps its key columns, and axe finds no contrast failure. Screenshots are left for people.
/// </summary>
public sealed class RegistryPagesLayoutTests : BrowserTest
{
    private const string ModelName = "layout-e2e";

    [Fact]
    public async Task Registry_pages_fit_a_phone_and_pass_contrast_in_both_themes()
    {
        using var owner = await ApiSession.RegisterAsync(Server.BaseUrl, "layout-owner@example.test");
        await ImportAsync(owner);
        await ImportAsync(owner);
        await ApiSession.Expect(await owner.Client.PutAsJsonAsync($"/api/registry/{ModelName}/aliases/production", new { version = 1 }), HttpStatusCode.NoContent);
        await ApiSession.Expect(await owner.Client.PutAsJsonAsync($"/api/registry/{ModelName}/card", new { markdown = "# Layout card\n\n| metric | value |\n| --- | --- |\n| ELBO | -245.1 |" }), HttpStatusCode.NoContent);

        foreach (var theme in new[] { "light", "dark" })
        foreach (var width in new[] { 375, 1440 })
        {
            var context = await NewContextAsync(width, width == 375 ? 812 : 900);
            await context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = "vwb.theme", Value = theme, Url = Server.BaseUrl }]);
            var page = await context.NewPageAsync();
            await FailureArtifacts.RunAsync(page, Server, $"registry-layout-{theme}-{width}", async () =>
            {
                await page.SignInAsync("layout-owner@example.test");
                // The models and team pages around the registry grid and the audit log are other pages' moves; only those are checked there.
                foreach (var (path, shot, ready, scope) in new[]
                {
                    ("/models", "models", "#registry-grid tbody a", "#registry-grid"),
                    ($"/registry/{ModelName}", "registered-model", "#versions-grid", "main"),
                    ($"/registry/{ModelName}/versions/1", "version-card", "#card-provenance", "main"),
                    ("/registry/import", "import", "#import-name", "main"),
                    ("/team", "team-audit", "#audit-grid tbody a", "#audit-grid"),
                })
                {
                    await page.GotoAsync(path);
                    await page.WaitForInteractivityAsync();
                    await page.Locator(ready).First.WaitForAsync();
                    await page.WaitForTimeoutAsync(300);
                    await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, $"registry-{shot}-{theme}-{width}.png"), FullPage = true });

                    var overflow = scope == "main"
                        ? await page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth")
                        : await page.Locator(scope).EvaluateAsync<int>("e => e.getBoundingClientRect().right - window.innerWidth");
                    Assert.True(overflow <= 0, $"{path} scrolls sideways by {overflow} px at {width} px ({theme})");
                    await page.WaitForAnimationsAsync();
                    var contrast = await page.Locator(scope).RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "rule", Values = ["color-contrast"] } });
                    Assert.True(contrast.Violations.Length == 0, $"{path} ({theme}, {width} px): " + string.Join("; ",
                        contrast.Violations.SelectMany(v => v.Nodes).Select(n => n.Html)));
                }

                // The key columns of the versions grid stay visible on a phone.
                await page.GotoAsync($"/registry/{ModelName}");
                await page.WaitForInteractivityAsync();
                foreach (var column in new[] { "Compare", "Version", "Aliases", "File" })
                    await Assertions.Expect(page.Locator("#versions-grid th", new() { HasText = column })).ToBeVisibleAsync();
                await Assertions.Expect(page.Locator("#versions-grid a.vwb-download").First).ToBeInViewportAsync();
                var onnx = page.Locator("#versions-grid a.vwb-download", new() { HasText = "ONNX" }).First;
                await Assertions.Expect(onnx).ToBeInViewportAsync();
                if (theme == "light" && width == 1440)
                {
                    // The browser gets the ZIP the link promises.
                    var download = await page.RunAndWaitForDownloadAsync(() => onnx.ClickAsync());
                    Assert.Equal($"{ModelName}-v2-onnx.zip", download.SuggestedFilename);
                    using var zip = new System.IO.Compression.ZipArchive(File.OpenRead(await download.PathAsync()));
                    Assert.Equal(["README.txt", "decoder.onnx", "encoder.onnx"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
                }

                // The version's page offers both downloads too.
                await page.GotoAsync($"/registry/{ModelName}/versions/1");
                await page.WaitForInteractivityAsync();
                await Assertions.Expect(page.Locator("#card-download-vae")).ToBeVisibleAsync();
                await Assertions.Expect(page.Locator("#card-download-onnx")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("format=onnx"));
            });
            await context.CloseAsync();
        }
    }

    private static async Task ImportAsync(ApiSession owner)
    {
        using var model = new MemoryStream();
        ModelFile.Save(model, new Vae(VaeConfig.MlpPreset(), seed: 1));
        var file = new ByteArrayContent(model.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var form = new MultipartFormDataContent { { new StringContent(ModelName), "name" }, { file, "file", "model.vae" } };
        await ApiSession.Expect(await owner.Client.PostAsync("/api/registry/import", form), HttpStatusCode.Created);
    }
}
