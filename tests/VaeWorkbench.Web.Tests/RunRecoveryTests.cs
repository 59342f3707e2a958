using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Training;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>What a server finds after another one died mid-run: a Running row with a lapsed lease and a checkpoint.</summary>
public sealed class RunRecoveryTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new(WorkbenchFactory.FastTraining());

    [Fact]
    public async Task A_run_left_by_a_dead_server_resumes_from_its_checkpoint_and_ends_exactly_like_an_uninterrupted_run()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var teamId = await user.PersonalTeamIdAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(teamId, 500);
        var settings = new RunSettings { DatasetId = datasetId, Epochs = 3, Batch = 50, Seed = 11, ValidationSplit = 0.2 };

        // The uninterrupted reference, through the API.
        var reference = await user.Client.PostAsJsonAsync("/api/runs", settings);
        await ApiClient.EnsureStatusAsync(reference, HttpStatusCode.Created);
        var referenceId = (await reference.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var referenceRun = await WaitForEndAsync(user, referenceId);
        Assert.Equal("Succeeded", referenceRun.GetProperty("status").GetString());

        // A crashed run: one epoch checkpointed by "another server" whose lease has lapsed, and no epoch rows recorded.
        var crashedId = Guid.NewGuid();
        using (var scope = _factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var blobs = scope.ServiceProvider.GetRequiredService<BlobStore>();
            var runner = scope.ServiceProvider.GetRequiredService<TrainingJobRunner>();
            var dataset = await db.Datasets.SingleAsync(d => d.Id == datasetId);
            var (config, options) = settings.ToEngine(1, 28, 1);
            Engine.Data.ImageDataset all;
            await using (var stream = blobs.OpenRead(dataset.TensorHash!)) all = DatasetTensorFile.Read(stream);
            var (train, validation) = TrainingJobRunner.Split(all, settings.ValidationSplit, options.Seed);
            var trainer = new Trainer(new Vae(config, options.Seed), options with { Epochs = 1 });
            trainer.Run(train, validation);
            var checkpoint = runner.CheckpointPath(crashedId);
            Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
            ModelFile.Save(checkpoint, trainer.Model, trainer);

            var now = DateTimeOffset.UtcNow;
            db.TrainingRuns.Add(new TrainingRun
            {
                Id = crashedId, TeamId = teamId, DatasetId = datasetId, SettingsJson = JsonSerializer.Serialize(settings, RunService.Json),
                Status = RunStatus.Running, Epoch = 0, Epochs = 3, CreatedByUserId = dataset.CreatedByUserId, CreatedAt = now, StartedAt = now,
                QueueOrder = now.UtcTicks, LeaseOwner = "a-server-that-was-killed", LeaseExpiresAt = now.AddSeconds(-1),
            });
            await db.SaveChangesAsync();
            scope.ServiceProvider.GetRequiredService<TrainingJobSignal>().Wake();
        }

        var resumed = await WaitForEndAsync(user, crashedId);

        Assert.Equal("Succeeded", resumed.GetProperty("status").GetString());
        var expected = referenceRun.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("trainLoss").GetDouble()).ToList();
        var actual = resumed.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("trainLoss").GetDouble()).ToList();
        Assert.Equal(expected, actual);
        Assert.False(File.Exists(_factory.Services.GetRequiredService<TrainingJobRunner>().CheckpointPath(crashedId)), "the checkpoint is removed once the model is stored");
    }

    [Fact]
    public async Task A_run_whose_lease_is_live_is_not_taken_from_its_server()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var teamId = await user.PersonalTeamIdAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(teamId, 100);
        var runId = Guid.NewGuid();
        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = DateTimeOffset.UtcNow;
        db.TrainingRuns.Add(new TrainingRun
        {
            Id = runId, TeamId = teamId, DatasetId = datasetId, SettingsJson = "{}", Status = RunStatus.Running, Epochs = 10,
            CreatedByUserId = (await db.TeamMembers.FirstAsync(m => m.TeamId == teamId)).UserId, CreatedAt = now, QueueOrder = now.UtcTicks,
            LeaseOwner = "a-live-server", LeaseExpiresAt = now.AddHours(1),
        });
        await db.SaveChangesAsync();

        var service = scope.ServiceProvider.GetRequiredService<TrainingJobService>();
        Assert.Null(await service.TryClaimNextAsync(CancellationToken.None));
        var row = await db.TrainingRuns.AsNoTracking().SingleAsync(r => r.Id == runId);
        Assert.Equal("a-live-server", row.LeaseOwner);
    }

    private static Task<JsonElement> WaitForEndAsync(ApiUser user, Guid runId) =>
        Eventually.WaitForAsync(() => user.GetJsonAsync($"/api/runs/{runId}"),
            r => r.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled", TimeSpan.FromMinutes(2), $"run {runId} to end");

    public void Dispose() => _factory.Dispose();
}
