using VaeWorkbench.E2E.Infrastructure;
using static VaeWorkbench.E2E.Infrastructure.FaultSettings;

namespace VaeWorkbench.E2E;

/// <summary>
/// The real server process killed with SIGKILL (kill -9) in the middle of its work, then started again on the same data:
/// mid-training, and exactly inside the narrow windows a failpoint holds it in (an import's commit, a checkpoint not yet
/// renamed into place, a model stored but not recorded). After every restart the app's storage check must pass.
/// </summary>
public sealed class ProcessFaultTests
{
    [Fact]
    public async Task A_run_killed_mid_training_resumes_after_restart_and_finishes_with_every_epoch_recorded()
    {
        await using var first = await AppServer.StartAsync(Base());
        Guid runId;
        const int epochs = 25;
        using (var api = await ApiSession.RegisterAsync(first.BaseUrl, "kill@example.test"))
        {
            var datasetId = await api.UploadFashionMnistAsync("fashion test split");
            runId = await StartRunAsync(api, datasetId, epochs, batch: 128, seed: 3);
            var atKill = await WaitForRunAsync(api, runId, r => r.GetProperty("epoch").GetInt32() >= 1, "the first epoch");
            Assert.True(atKill.GetProperty("epoch").GetInt32() < epochs, "the run finished before it could be killed; give it more epochs");
        }

        await first.KillAsync();

        await using var second = await AppServer.StartAsync(Base(), first.DataDirectory);
        using var again = await ApiSession.SignInAsync(second.BaseUrl, "kill@example.test");
        var finished = await WaitForRunAsync(again, runId, Ended, "the run to end");

        Assert.Equal("Succeeded", finished.GetProperty("status").GetString());
        Assert.Equal(Enumerable.Range(1, epochs), finished.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("epoch").GetInt32()));
        Assert.Contains("resuming from the checkpoint", second.Output);
        var model = await again.GetJsonAsync($"/api/models/{finished.GetProperty("modelId").GetGuid()}");
        Assert.Equal(epochs, model.GetProperty("metrics").GetProperty("epochs").GetInt32());
        await AssertStorageConsistentAsync(second.DataDirectory);
    }

    [Fact]
    public async Task An_import_killed_inside_its_commit_leaves_a_failed_dataset_without_rows_or_files_after_restart()
    {
        var zip = FashionData.Zip(perClass: 20, classes: [0, 1, 2]);
        await using var first = await AppServer.StartAsync(Armed("dataset-rows-commit"));
        using (var api = await ApiSession.RegisterAsync(first.BaseUrl, "commit@example.test"))
        {
            var upload = api.UploadZipAsync("interrupted", zip);
            await first.WaitForOutputAsync("FAILPOINT dataset-rows-commit reached");
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(first.DataDirectory, "blobs"), "*", SearchOption.AllDirectories));
            await first.KillAsync();
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => upload);
        }

        await using var second = await AppServer.StartAsync(Base(), first.DataDirectory);
        using var again = await ApiSession.SignInAsync(second.BaseUrl, "commit@example.test");
        // The killed server's import lease lapses within a few seconds of the restart; then the import is marked Failed.
        var datasets = await WaitForJsonAsync(again, "/api/datasets",
            list => list.EnumerateArray().Any(d => d.GetProperty("status").GetString() != "Importing"), "the interrupted import to be marked Failed");
        var dataset = Assert.Single(datasets.EnumerateArray());
        Assert.Equal("Failed", dataset.GetProperty("status").GetString());
        Assert.Contains("server stopped during the import", dataset.GetProperty("error").GetString());
        Assert.Equal(0, dataset.GetProperty("imageCount").GetInt32());
        Assert.Contains("blob no row refers to", second.Output);
        // Every image blob of the rolled-back import is gone: only the database's own files remain.
        Assert.Empty(Directory.GetFiles(Path.Combine(first.DataDirectory, "blobs"), "*", SearchOption.AllDirectories));
        await AssertStorageConsistentAsync(second.DataDirectory);

        await again.UploadZipAsync("uploaded again", zip);
        var ready = (await again.GetJsonAsync("/api/datasets")).EnumerateArray().Single(d => d.GetProperty("status").GetString() == "Ready");
        Assert.Equal(60, ready.GetProperty("imageCount").GetInt32());
        await AssertStorageConsistentAsync(second.DataDirectory);
    }

    [Fact]
    public async Task A_run_killed_between_writing_a_checkpoint_and_renaming_it_resumes_from_the_previous_checkpoint()
    {
        const int epochs = 4;
        // Hit 2: the first epoch's checkpoint is in place, the second's is written but not yet renamed.
        await using var first = await AppServer.StartAsync(Armed("checkpoint-rename", hit: 2));
        Guid runId;
        using (var api = await ApiSession.RegisterAsync(first.BaseUrl, "checkpoint@example.test"))
        {
            var datasetId = await api.UploadZipAsync("fashion", FashionData.Zip(perClass: 40, classes: [0, 1, 2, 3, 4]));
            runId = await StartRunAsync(api, datasetId, epochs, batch: 50, seed: 5);
            await first.WaitForOutputAsync("FAILPOINT checkpoint-rename reached");
            var pending = Directory.GetFiles(Path.Combine(first.DataDirectory, "checkpoints"), "*.tmp");
            Assert.Single(pending);
            await first.KillAsync();
        }

        await using var second = await AppServer.StartAsync(Base(), first.DataDirectory);
        using var again = await ApiSession.SignInAsync(second.BaseUrl, "checkpoint@example.test");
        var finished = await WaitForRunAsync(again, runId, Ended, "the run to end");

        Assert.Contains("checkpoint never renamed into place", second.Output);
        Assert.Contains("resuming from the checkpoint after epoch 1 ", second.Output);
        Assert.Equal("Succeeded", finished.GetProperty("status").GetString());
        Assert.Equal(Enumerable.Range(1, epochs), finished.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("epoch").GetInt32()));
        await AssertStorageConsistentAsync(second.DataDirectory);
    }

    [Fact]
    public async Task A_run_killed_after_storing_its_model_but_before_recording_it_records_exactly_one_model_after_restart()
    {
        const int epochs = 2;
        await using var first = await AppServer.StartAsync(Armed("model-commit"));
        Guid runId;
        using (var api = await ApiSession.RegisterAsync(first.BaseUrl, "model@example.test"))
        {
            var datasetId = await api.UploadZipAsync("fashion", FashionData.Zip(perClass: 30, classes: [0, 1]));
            runId = await StartRunAsync(api, datasetId, epochs, batch: 20, seed: 7);
            await first.WaitForOutputAsync("FAILPOINT model-commit reached");
            await first.KillAsync();
        }

        await using var second = await AppServer.StartAsync(Base(), first.DataDirectory);
        using var again = await ApiSession.SignInAsync(second.BaseUrl, "model@example.test");
        var finished = await WaitForRunAsync(again, runId, Ended, "the run to end");

        Assert.Contains("blob no row refers to", second.Output);
        Assert.Equal("Succeeded", finished.GetProperty("status").GetString());
        Assert.Equal(Enumerable.Range(1, epochs), finished.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("epoch").GetInt32()));
        var model = Assert.Single((await again.GetJsonAsync("/api/models")).EnumerateArray());
        Assert.Equal(runId, model.GetProperty("runId").GetGuid());
        await AssertStorageConsistentAsync(second.DataDirectory);
    }
}
