namespace VaeWorkbench.Web.Cluster;

/// <summary>What one process of a cluster does.</summary>
public enum NodeRole
{
    /// <summary>Serves the UI and API and runs the job queues: the single server of a small team (the default).</summary>
    All,

    /// <summary>Serves the UI and API and enqueues work; runs no training, scoring, generation or import job.</summary>
    Web,

    /// <summary>Runs the job queues; serves only <c>/health/*</c> and <c>/metrics</c>.</summary>
    Worker,
}

/// <summary>This process's place in a cluster. Bound from the <c>Node</c> section; <c>--role</c> sets <c>Node:Role</c>.</summary>
public sealed class NodeOptions
{
    public const string SectionName = "Node";

    public NodeRole Role { get; set; } = NodeRole.All;

    public bool RunsJobs => Role is NodeRole.All or NodeRole.Worker;

    public bool ServesUi => Role is NodeRole.All or NodeRole.Web;

    /// <summary>
    /// The role the configuration names, read before the host is built (it decides which services exist). A value
    /// that is not a role stops the start with a message naming the setting, rather than falling back to <c>all</c>.
    /// </summary>
    public static NodeRole Read(IConfiguration configuration)
    {
        var text = configuration[$"{SectionName}:{nameof(Role)}"];
        if (string.IsNullOrWhiteSpace(text)) return NodeRole.All;
        return Enum.TryParse<NodeRole>(text, ignoreCase: true, out var role) && Enum.IsDefined(role) && !int.TryParse(text, out _)
            ? role
            : throw new InvalidOperationException($"Node:Role (or --role) must be web, worker or all, not '{text}'");
    }
}
