using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Runs;

namespace VaeWorkbench.Web.Datasets;

/// <summary>The one <see cref="DatasetMemory"/> every job runner reads datasets with: the configured budget and the shard folder.</summary>
public sealed class DatasetMemoryOptions(IOptions<TrainingJobOptions> training, IOptions<StorageOptions> storage)
{
    public DatasetMemory Current => new(training.Value.MemoryBudgetBytes, storage.Value.ResolveShardDirectory());
}
