using Microsoft.AspNetCore.HttpOverrides;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Hosting;

/// <summary>
/// Running behind a TLS proxy: with <c>ForwardedHeaders:Enabled</c> the request takes the scheme and client address the
/// proxy forwards, so cookies get <c>Secure</c>, redirects say <c>https</c> and rate limits see real clients; HSTS is
/// sent on every HTTPS request.
/// </summary>
public static class ReverseProxyExtensions
{
    public static IHostApplicationBuilder AddVaeReverseProxy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReverseProxyOptions>().Bind(builder.Configuration.GetSection(ReverseProxyOptions.SectionName))
            .Validate(o => o.NetworksAreValid(), "ForwardedHeaders:KnownNetworks must be CIDR ranges such as 127.0.0.0/8")
            .Validate(o => !o.Enabled || o.KnownNetworks.Count > 0, "ForwardedHeaders:KnownNetworks must name the proxy's networks when ForwardedHeaders:Enabled is true")
            .ValidateOnStart();
        var proxy = builder.Configuration.GetSection(ReverseProxyOptions.SectionName).Get<ReverseProxyOptions>() ?? new ReverseProxyOptions();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            foreach (var network in proxy.KnownNetworks.Where(n => System.Net.IPNetwork.TryParse(n, out _)))
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        return builder;
    }

    public static WebApplication UseVaeReverseProxy(this WebApplication app)
    {
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ReverseProxyOptions>>().Value.Enabled)
            app.UseForwardedHeaders();
        // Sent only on HTTPS requests (directly or through the proxy), never for localhost.
        app.UseHsts();
        return app;
    }
}
