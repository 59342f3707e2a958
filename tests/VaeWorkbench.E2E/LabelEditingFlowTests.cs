using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E;

/// <summary>
/// Names, tags and notes edited in place in a real browser: a run renamed, tagged and annotated on its page is found in
/// the runs list by its tag. Screenshots of every page this work changed, at both widths and in both themes.
/// </summary>
public sealed class LabelEditingFlowTests : BrowserTest
{
    protected override IDictionary<string, string>? ServerSettings => new Dictionary<string, string> { ["Training:PollSeconds"] = "1" };

    [Fact]
    public async Task A_run_renamed_tagged_and_annotated_in_place_is_found_in_the_runs_list_by_its_tag()
    {
        const string email = "hinton@example.test";
        Guid datasetId, tagged, other, modelId, setId;
        using (var api = await ApiSession.RegisterAsync(Server.BaseUrl, email))
        {
            datasetId = await api.UploadZipAsync("fashion pair", FashionData.Zip(perClass: 20, classes: [1, 7]));
            tagged = await StartRunAsync(api, datasetId);
            other = await StartRunAsync(api, datasetId);
            modelId = await FinishedModelAsync(api, tagged);
            await api.SendAsync(await api.Client.PostAsJsonAsync("/api/registry", new { runId = tagged, name = "fashion-pair" }), HttpStatusCode.Created);
            setId = (await api.SendAsync(await api.Client.PostAsJsonAsync($"/api/models/{modelId}/generate",
                new { mode = "perClass", count = 100, seed = 1, filter = new { maxElboPercentile = 80, balance = "sameShare" } }), HttpStatusCode.Accepted))
                .GetProperty("augmentedId").GetGuid();
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while ((await api.GetJsonAsync($"/api/augmented/{setId}")).GetProperty("status").GetString() is "Queued" or "Running" && DateTime.UtcNow < deadline)
                await Task.Delay(250);
            Assert.Equal("Succeeded", (await api.GetJsonAsync($"/api/augmented/{setId}")).GetProperty("status").GetString());
            await api.SendAsync(await api.Client.PatchAsJsonAsync($"/api/augmented/{setId}", new { tags = new[] { "balanced", "pair" }, notes = "Same share dropped per class." }), HttpStatusCode.OK);
        }

        var context = await NewContextAsync(1440, 900);
        var page = await context.NewPageAsync();
        await FailureArtifacts.RunAsync(page, Server, "label-editing", async () =>
        {
            await page.SignInAsync(email);
            await page.GotoAsync($"/runs/{tagged}");
            await page.WaitForInteractivityAsync();

            await page.ClickAsync("#label-edit");
            await page.FillAsync("#label-name-field", "baseline on the pair");
            await page.FillAsync("#label-tag-field", "baseline");
            await page.ClickAsync("#label-tag-add");
            await page.FillAsync("#label-tag-field", "fashion");
            await page.PressAsync("#label-tag-field", "Enter");
            await Assertions.Expect(page.Locator("#label-tag-list .vwb-tag")).ToHaveTextAsync(["baseline", "fashion"]);
            await page.FillAsync("#label-notes-field", "One epoch only.\nCompare with β = 4.");
            await page.ClickAsync("#label-save");

            await Assertions.Expect(page.Locator("h1#label-name")).ToHaveTextAsync("Run baseline on the pair on fashion pair");
            await Assertions.Expect(page.Locator(".vwb-label-editor .vwb-tag")).ToHaveTextAsync(["baseline", "fashion"]);
            await Assertions.Expect(page.Locator("#label-notes")).ToContainTextAsync("Compare with β = 4.");
            Assert.Equal("One epoch only.\nCompare with β = 4.", await page.Locator("#label-notes").TextContentAsync());

            // The list filtered by the tag shows that run alone, by its new name and with its tags.
            await page.GotoAsync("/runs");
            await page.WaitForInteractivityAsync();
            await Assertions.Expect(page.Locator("#runs-grid tbody tr.mud-table-row")).ToHaveCountAsync(2);
            await page.ChooseAsync("#runs-tag-filter", "baseline");
            var rows = page.Locator("#runs-grid tbody tr.mud-table-row");
            await Assertions.Expect(rows).ToHaveCountAsync(1);
            var link = rows.Locator("a.vwb-run-link");
            await Assertions.Expect(link).ToHaveTextAsync("baseline on the pair");
            await Assertions.Expect(link).ToHaveAttributeAsync("href", $"runs/{tagged}");
            await Assertions.Expect(rows.Locator(".vwb-tag")).ToHaveTextAsync(["baseline", "fashion"]);
            // Each row's links say where they go: the run by its name, the dataset by "Dataset <name>".
            await Assertions.Expect(rows.GetByRole(AriaRole.Link, new() { Name = "Dataset fashion pair" })).ToHaveAttributeAsync("href", $"datasets/{datasetId}");

            // Clearing the filter brings the other run back; the chip in a row filters by its tag again.
            await page.ChooseAsync("#runs-tag-filter", "Any tag");
            await Assertions.Expect(page.Locator("#runs-grid tbody tr.mud-table-row")).ToHaveCountAsync(2);
            await page.Locator("#runs-grid .vwb-tag", new() { HasText = "fashion" }).ClickAsync();
            await Assertions.Expect(page.Locator("#runs-grid tbody tr.mud-table-row")).ToHaveCountAsync(1);

            await PageShots.CaptureAsync(page, Server.BaseUrl, $"/runs/{tagged}", "run-labels", "#label-name");
            await PageShots.CaptureAsync(page, Server.BaseUrl, "/runs", "runs-list-tags", "#runs-grid tbody tr.mud-table-row");
            await PageShots.CaptureAsync(page, Server.BaseUrl, $"/datasets/{datasetId}", "dataset-classes", "#class-table");
            await PageShots.CaptureAsync(page, Server.BaseUrl, "/registry/fashion-pair", "registered-model-labels", "#registered-model-name");
            await PageShots.CaptureAsync(page, Server.BaseUrl, $"/models/{modelId}/generate", "generate-balance", "#gen-balance");
            await PageShots.CaptureAsync(page, Server.BaseUrl, "/models", "registry-list-tags", "#registry-grid tbody tr.mud-table-row");
            await PageShots.CaptureAsync(page, Server.BaseUrl, $"/augmented/{setId}", "augmented-set-labels", "#filter-report-table");
            await PageShots.CaptureAsync(page, Server.BaseUrl, "/augmented", "augmented-list-tags", "#augmented-grid .vwb-tag");

            // The editing state, at both widths, for a look at the form.
            foreach (var width in new[] { 1440, 375 })
            {
                await page.SetViewportSizeAsync(width, 900);
                await page.GotoAsync($"/runs/{other}");
                await page.WaitForInteractivityAsync();
                await page.ClickAsync("#label-edit");
                await page.FillAsync("#label-name-field", "");
                await page.ClickAsync("#label-save");
                await Assertions.Expect(page.Locator(".vwb-label-form .mud-input-error").First).ToContainTextAsync("must not be empty");
                await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, $"run-labels-editing-{width}.png"), FullPage = true });
                await page.GotoAsync($"/datasets/{datasetId}");
                await page.WaitForInteractivityAsync();
                await page.ClickAsync("#rename-classes");
                await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.ScreenshotDirectory, $"dataset-classes-editing-{width}.png"), FullPage = true });
            }
        });
        await context.CloseAsync();
    }

    private static async Task<Guid> StartRunAsync(ApiSession api, Guid datasetId) =>
        (await api.SendAsync(await api.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 1, batch = 16 }), HttpStatusCode.Created))
            .GetProperty("id").GetGuid();

    /// <summary>Waits (with a deadline) for the run to succeed and returns its trained model.</summary>
    private static async Task<Guid> FinishedModelAsync(ApiSession api, Guid runId)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        JsonElement state;
        do
        {
            await Task.Delay(250);
            state = await api.GetJsonAsync($"/api/runs/{runId}");
        }
        while (state.GetProperty("status").GetString() is "Queued" or "Running" && DateTime.UtcNow < deadline);
        Assert.Equal("Succeeded", state.GetProperty("status").GetString());
        return state.GetProperty("modelId").GetGuid();
    }
}
