using System.Net;

namespace VaeWorkbench.Web.Options;

/// <summary>
/// Trust in a TLS-terminating reverse proxy. Bound from the <c>ForwardedHeaders</c> section. Off by default: a client
/// could otherwise claim any scheme or address. When on, <c>X-Forwarded-Proto</c> and <c>X-Forwarded-For</c> are
/// believed only from <see cref="KnownNetworks"/>.
/// </summary>
public sealed class ReverseProxyOptions
{
    public const string SectionName = "ForwardedHeaders";

    public bool Enabled { get; set; }

    /// <summary>CIDR ranges the proxy connects from, such as <c>127.0.0.0/8</c> or <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    public bool NetworksAreValid() => KnownNetworks.All(n => IPNetwork.TryParse(n, out _));
}
