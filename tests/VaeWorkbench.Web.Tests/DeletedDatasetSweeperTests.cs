using System.Net;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

public sealed class DeletedDatasetSweeperTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new(new() { ["Datasets:PurgeIntervalSeconds"] = "1" });

    [Fact]
    public async Task A_deleted_dataset_nothing_uses_is_removed_by_the_periodic_sweep()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var datasetId = await _factory.CreateFashionMnistAsync(await user.PersonalTeamIdAsync(), 20);
        string tensor;
        using (var scope = _factory.Services.CreateScope())
            tensor = (await scope.ServiceProvider.GetRequiredService<AppDbContext>().Datasets.SingleAsync(d => d.Id == datasetId)).TensorHash!;
        Assert.True(_factory.Services.GetRequiredService<BlobStore>().Exists(tensor));

        await ApiClient.EnsureStatusAsync(await user.Client.DeleteAsync($"/api/datasets/{datasetId}"), HttpStatusCode.NoContent);

        await Eventually.WaitForAsync(async () =>
        {
            using var scope = _factory.Services.CreateScope();
            // The row goes in a transaction first, its files right after it.
            return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Datasets.AnyAsync(d => d.Id == datasetId)
                || _factory.Services.GetRequiredService<BlobStore>().Exists(tensor);
        }, exists => !exists, TimeSpan.FromSeconds(30), "the sweep to remove the deleted dataset and its tensor file");
    }

    public void Dispose() => _factory.Dispose();
}
