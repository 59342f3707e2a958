using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Imaging;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Teams;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>A finished run keeps its last reconstruction grid as a blob with the run, and the storage checks know about it.</summary>
public sealed class RunFinalReconstructionTests : IDisposable
{
    // No grace period: a blob stored a moment ago counts as an orphan once no row refers to it.
    private readonly WorkbenchFactory _factory = new(new(WorkbenchFactory.FastTraining()) { ["Storage:OrphanGraceSeconds"] = "0" });

    [Fact]
    public async Task A_succeeded_run_keeps_its_final_reconstruction_grid_for_its_team_only_and_the_blob_counts_as_used()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 300);
        var created = await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 2, batch = 64, validationSplit = 0.2, seed = 3 });
        await ApiClient.EnsureStatusAsync(created, HttpStatusCode.Created);
        var runId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Eventually.WaitForAsync(() => user.GetJsonAsync($"/api/runs/{runId}"),
            r => r.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled", TimeSpan.FromMinutes(2), "the run to finish");

        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var run = await db.TrainingRuns.AsNoTracking().SingleAsync(r => r.Id == runId);
        Assert.Equal(Data.Entities.RunStatus.Succeeded, run.Status);
        var ownerId = await db.Users.Where(u => u.Email == user.Email).Select(u => u.Id).SingleAsync();

        var png = await scope.ServiceProvider.GetRequiredService<RunService>().FinalReconstructionAsync(ownerId, runId);

        // Originals over reconstructions: two rows of 28-pixel images with 2-pixel gaps, up to 16 validation images a row.
        Assert.NotNull(png);
        var grid = ImageDecoder.Decode(png);
        Assert.Equal(2 * 28 + 3 * 2, grid.Height);
        var columns = (grid.Width - 2) / 30;
        Assert.True((grid.Width - 2) % 30 == 0 && columns is >= 1 and <= 16, $"grid width {grid.Width}");
        // The lower row is the model's output, not a copy of the originals.
        var rowBytes = grid.Width * 30;
        Assert.NotEqual(grid.Pixels.AsSpan(2 * grid.Width, rowBytes).ToArray(), grid.Pixels.AsSpan(32 * grid.Width, rowBytes).ToArray());
        Assert.NotNull(run.FinalReconstructionHash);
        Assert.Equal(png, scope.ServiceProvider.GetRequiredService<BlobStore>().ReadAllBytes(run.FinalReconstructionHash!));

        // The blob is referenced, so no orphan sweep takes it.
        var referenced = await BlobReferences.All(db).ToListAsync();
        Assert.Contains(run.FinalReconstructionHash, referenced);

        // Another team's member does not learn that the run exists.
        var stranger = await _factory.RegisterWithTokenAsync();
        var strangerId = await db.Users.Where(u => u.Email == stranger.Email).Select(u => u.Id).SingleAsync();
        await Assert.ThrowsAsync<AccessDeniedException>(() => scope.ServiceProvider.GetRequiredService<RunService>().FinalReconstructionAsync(strangerId, runId));
    }

    [Fact]
    public async Task When_no_row_refers_to_the_grid_any_more_the_orphan_finder_lists_it()
    {
        using var scope = _factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var blobs = scope.ServiceProvider.GetRequiredService<BlobStore>();
        var user = await _factory.RegisterWithTokenAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 300);
        var created = await user.Client.PostAsJsonAsync("/api/runs", new { datasetId, epochs = 1, batch = 64, validationSplit = 0.2, seed = 3 });
        var runId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await Eventually.WaitForAsync(() => user.GetJsonAsync($"/api/runs/{runId}"),
            r => r.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled", TimeSpan.FromMinutes(2), "the run to finish");
        var hash = await db.TrainingRuns.Where(r => r.Id == runId).Select(r => r.FinalReconstructionHash).SingleAsync();
        Assert.NotNull(hash);
        var orphans = scope.ServiceProvider.GetRequiredService<StorageOrphans>();
        Assert.DoesNotContain(await orphans.FindAsync(), o => o.Path == blobs.PathOf(hash!));

        // What deleting the run leaves: the file without its row (the grid is the run's alone, so nothing else keeps it).
        await db.TrainingRuns.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s.SetProperty(r => r.FinalReconstructionHash, (string?)null));

        Assert.Contains(await orphans.FindAsync(), o => o.Path == blobs.PathOf(hash!) && o.Kind == "blob no row refers to");
    }

    public void Dispose() => _factory.Dispose();
}
