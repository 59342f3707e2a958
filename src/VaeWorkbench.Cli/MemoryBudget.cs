using VaeWorkbench.Engine.Data;

namespace VaeWorkbench.Cli;

/// <summary>
/// <c>--memory-budget-mb</c> and <c>--shard-dir</c>, shared by every command that reads a dataset: how many pixel bytes it
/// may hold in memory, and where the shards of a larger set are cut (once; reused while the source is unchanged).
/// </summary>
public sealed record MemoryBudget(long BudgetBytes, string ShardDirectory)
{
    public const string Usage = """
          --memory-budget-mb M  pixel bytes held in memory (default 2048); a larger set is read from shards on disk
          --shard-dir DIR       where those shards are cut (default $XDG_CACHE_HOME/vaeworkbench/shards or ~/.cache/...)
        """;

    public static MemoryBudget From(CliArguments args)
    {
        var megabytes = args.Int("memory-budget-mb", (int)(ImageSources.DefaultBudgetBytes >> 20), 1, 1_048_576);
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return new MemoryBudget(megabytes * 1048576L, args.String("shard-dir") ?? Path.Combine(cache, "vaeworkbench", "shards"));
    }
}
