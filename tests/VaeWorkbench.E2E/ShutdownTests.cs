using System.Buffers.Binary;
using VaeWorkbench.E2E.Infrastructure;
using static VaeWorkbench.E2E.Infrastructure.FaultSettings;

namespace VaeWorkbench.E2E;

/// <summary>A real SIGTERM to the server in the middle of a training epoch: a graceful stop that loses no work.</summary>
public sealed class ShutdownTests
{
    // 500 images (10 classes x 50) less the 10% validation split: 450 training images, 9 batches of 50 an epoch.
    private const int BatchesPerEpoch = 9;
    private const int BatchesDoneAtStop = 3;
    private const int Epochs = 4;

    [Fact]
    public async Task A_SIGTERM_mid_epoch_checkpoints_that_place_and_the_restarted_run_ends_bit_identical_to_an_uninterrupted_one()
    {
        var zip = FashionData.Zip(perClass: 50, classes: [.. Enumerable.Range(0, 10)]);
        // The failpoint holds the training thread after the 3rd batch of epoch 2 until the run is told to stop, so the
        // SIGTERM lands exactly there however loaded the machine is.
        await using var first = await AppServer.StartAsync(Armed("training-batch", hit: BatchesPerEpoch + BatchesDoneAtStop));
        Guid runId, datasetId;
        using (var api = await ApiSession.RegisterAsync(first.BaseUrl, "sigterm@example.test"))
        {
            datasetId = await api.UploadZipAsync("fashion", zip);
            runId = await StartRunAsync(api, datasetId, Epochs, batch: 50, seed: 9);
            await first.WaitForOutputAsync("FAILPOINT training-batch reached");
        }

        // Within the host's shutdown timeout (ShutdownTimeoutSeconds, 30 s by default) the process must have ended cleanly.
        var exitCode = await first.TerminateAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, exitCode);
        Assert.Contains($"checkpoint written for shutdown after epoch 1 and {BatchesDoneAtStop} batches of the next", first.Output);
        await AssertStorageConsistentAsync(first.DataDirectory);

        await using var second = await AppServer.StartAsync(Base(), first.DataDirectory);
        using var again = await ApiSession.SignInAsync(second.BaseUrl, "sigterm@example.test");
        var resumed = await WaitForRunAsync(again, runId, Ended, "the resumed run to end");
        Assert.Contains($"resuming from the checkpoint after epoch 1 and {BatchesDoneAtStop} batches of the next", second.Output);
        Assert.Equal("Succeeded", resumed.GetProperty("status").GetString());
        Assert.Equal(Enumerable.Range(1, Epochs), resumed.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("epoch").GetInt32()));

        // The same run again without interruption, on the same server: weights and optimizer state must match bit for bit.
        var referenceId = await StartRunAsync(again, datasetId, Epochs, batch: 50, seed: 9);
        var reference = await WaitForRunAsync(again, referenceId, Ended, "the reference run to end");
        Assert.Equal("Succeeded", reference.GetProperty("status").GetString());
        Assert.Equal(TrainLosses(reference), TrainLosses(resumed));
        Assert.Equal(await TensorBytesAsync(again, reference), await TensorBytesAsync(again, resumed));
        await AssertStorageConsistentAsync(second.DataDirectory);
    }

    private static double[] TrainLosses(System.Text.Json.JsonElement run) =>
        [.. run.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("trainLoss").GetDouble())];

    /// <summary>The tensor data of the run's model file (weights and Adam moments), without the JSON header, whose history holds timings.</summary>
    private static async Task<byte[]> TensorBytesAsync(ApiSession api, System.Text.Json.JsonElement run)
    {
        var file = await api.Client.GetByteArrayAsync($"/api/models/{run.GetProperty("modelId").GetGuid()}/file?includeTrainingState=true");
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return file[(8 + headerLength)..];
    }
}
