using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E;

/// <summary>Issue 9, item 22: a user double-clicks "Start training" and gets exactly one run.</summary>
public sealed partial class DoubleClickTrainTests : BrowserTest
{
    private const string Email = "impatient@example.test";

    protected override IDictionary<string, string>? ServerSettings => new Dictionary<string, string> { ["Training:DefaultThreads"] = "1" };

    [Fact]
    public async Task Double_clicking_the_train_button_creates_exactly_one_run()
    {
        using var api = await ApiSession.RegisterAsync(Server.BaseUrl, Email);
        var datasetId = await api.UploadFashionMnistAsync("fashion");
        var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await FailureArtifacts.RunAsync(page, Server, "double-click-train", async () =>
        {
            await page.SignInAsync(Email);
            await page.GotoAsync($"/runs/new?dataset={datasetId}");
            await page.WaitForInteractivityAsync();
            await page.FillAsync("#run-epochs input, input#run-epochs", "1");
            await page.Locator("#run-epochs input, input#run-epochs").BlurAsync();

            await page.DblClickAsync("#start-run");

            // Generous: on a loaded machine the submission ("Starting…") can take many seconds.
            await Assertions.Expect(page).ToHaveURLAsync(RunUrl(), new() { Timeout = 60_000 });
            // Both clicks reached the circuit before it navigated (its events run one after another), and the form's
            // one submission key would have made the server answer a second request with the same run.
            var runs = (await api.GetJsonAsync("/api/runs")).EnumerateArray().ToList();
            Assert.Single(runs);
            Assert.EndsWith(runs[0].GetProperty("id").GetGuid().ToString(), page.Url);
        });
        await context.CloseAsync();
    }

    [GeneratedRegex("/runs/[0-9a-f-]{36}$")]
    private static partial Regex RunUrl();
}
