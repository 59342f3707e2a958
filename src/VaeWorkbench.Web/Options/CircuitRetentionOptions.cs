namespace VaeWorkbench.Web.Options;

/// <summary>
/// How long the server keeps a Blazor circuit whose browser went away (a closed tab, a dropped network), so that a
/// reconnecting tab finds its state; the framework's defaults are 3 minutes and 100 circuits. Each kept circuit holds its
/// pages' state in memory, so a server with many short visits may want less.
/// </summary>
public sealed class CircuitRetentionOptions
{
    public const string SectionName = "Circuits";

    /// <summary><c>CircuitOptions.DisconnectedCircuitRetentionPeriod</c>, in seconds.</summary>
    public int DisconnectedRetentionSeconds { get; set; } = 180;

    /// <summary><c>CircuitOptions.DisconnectedCircuitMaxRetained</c>: beyond this many, the oldest disconnected circuits are dropped at once.</summary>
    public int MaxRetainedDisconnected { get; set; } = 100;
}
