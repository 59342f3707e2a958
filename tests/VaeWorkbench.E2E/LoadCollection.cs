namespace VaeWorkbench.E2E;

/// <summary>
/// Load tests measure memory and latency, so they run alone, after the rest of the project: other test classes running
/// beside them would change their figures and steal the CPU their generous bounds assume.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadCollection
{
    public const string Name = "Load";
}
