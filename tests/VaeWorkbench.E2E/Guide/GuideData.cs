using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E.Guide;

/// <summary>What a tutorial takes as done in an earlier one (an uploaded dataset, a trained run), prepared over the API.</summary>
internal static partial class GuideData
{
    /// <summary>Uploads a ZIP on the Datasets page under <paramref name="name"/>, as a tutorial's reader does; returns the new dataset's id.</summary>
    public static async Task<string> UploadZipAsync(IPage page, string name, byte[] zip)
    {
        await page.GotoAsync("/datasets");
        await page.WaitForInteractivityAsync();
        await page.FillAsync("#dataset-name input, input#dataset-name", name);
        await page.SetBlazorInputFilesAsync("#dataset-files input[type=file]", new FilePayload { Name = name + ".zip", MimeType = "application/zip", Buffer = zip });
        await page.ClickAsync("#start-upload");
        await Assertions.Expect(page.Locator("#import-dataset-link")).ToHaveTextAsync(name, new() { Timeout = 120_000 });
        return DatasetId().Match(await page.Locator("#import-dataset-link").GetAttributeAsync("href") ?? "").Groups[1].Value;
    }

    /// <summary>Uploads Fashion-MNIST footwear and trains the mlp preset for 5 epochs on it; returns the finished run's id.</summary>
    public static async Task<Guid> TrainedRunAsync(ApiSession api)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("footwear-train"), "name" },
            { new StringContent("28"), "imageSize" },
            { new StringContent("1"), "channels" },
            { new ByteArrayContent(FashionData.Zip(perClass: 200, classes: [5, 7, 9], withStrayTextFile: false, trainingSplit: true)), "files", "footwear-train.zip" },
        };
        var datasetId = (await api.SendAsync(await api.Client.PostAsync("/api/datasets", form), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var run = await api.SendAsync(await api.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 5, seed = 5 }), HttpStatusCode.Created);
        var runId = run.GetProperty("id").GetGuid();
        JsonElement state = default;
        await ReviewFlowTests.WaitForAsync(async () => (state = await api.GetJsonAsync($"/api/runs/{runId}")).GetProperty("status").GetString() is "Succeeded" or "Failed", "the training run");
        Assert.Equal("Succeeded", state.GetProperty("status").GetString());
        return runId;
    }

    [GeneratedRegex("datasets/([0-9a-f-]{36})")]
    private static partial Regex DatasetId();
}
