using VaeWorkbench.Web.Runs;

namespace VaeWorkbench.Web.Components.Tests.Infrastructure;

/// <summary>Rows that pages list or act on, put into the test's database.</summary>
public partial class WorkbenchTestContext
{
    /// <summary>
    /// A dataset as an import leaves it once it is Ready. Only its row: the pages and services the component tests
    /// reach read the row, and training (which would read the images) never starts here.
    /// </summary>
    public Task<Guid> AddReadyDatasetAsync(SignedInUser user, string name = "digits", int images = 500) =>
        QueryAsync(async db =>
        {
            var dataset = new Dataset
            {
                Id = Guid.NewGuid(), TeamId = user.TeamId, Name = name, ImageSize = 28, Channels = 1, Status = DatasetStatus.Ready,
                ImageCount = images, CreatedByUserId = user.OwnerId, CreatedAt = DateTimeOffset.UtcNow,
            };
            db.Datasets.Add(dataset);
            await db.SaveChangesAsync();
            return dataset.Id;
        });

    /// <summary>Queues a run through the app's <see cref="RunService"/>, as the new-run page or the API would.</summary>
    public Task<RunSummary> QueueRunAsync(SignedInUser user, Guid datasetId, int epochs = 2) =>
        RunAsync<RunService, RunSummary>(s => s.CreateAsync(user.OwnerId, new RunSettings { DatasetId = datasetId, Epochs = epochs }));
}
