namespace VaeWorkbench.Web.Cluster;

/// <summary>Who may read <c>/metrics</c>. Bound from the <c>Metrics</c> section.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>
    /// Clients on the same machine (a loopback address) may read it without a token. Turn this off when a reverse proxy
    /// on the same machine forwards outside traffic without <c>ForwardedHeaders:Enabled</c>, or every request looks local.
    /// </summary>
    public bool AllowLoopback { get; set; } = true;

    /// <summary>A scraper elsewhere sends <c>Authorization: Bearer &lt;token&gt;</c>. Empty: no remote access. At least 16 characters.</summary>
    public string? Token { get; set; }
}
