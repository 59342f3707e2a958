using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Radzen;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Components;

namespace VaeWorkbench.Web.Hosting;

public static class UiExtensions
{
    public static WebApplicationBuilder AddVaeUi(this WebApplicationBuilder builder)
    {
        // Component libraries' files (Radzen's scripts, themes and icon font) are mapped from the package cache by
        // the build's static web assets manifest; load it in every environment, not just Development, so
        // `dotnet run` serves them too. A published app has the files on disk and no manifest, so this is a no-op there.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddOptions<CircuitRetentionOptions>().Bind(builder.Configuration.GetSection(CircuitRetentionOptions.SectionName))
            .Validate(o => o.DisconnectedRetentionSeconds is >= 1 and <= 86_400, "Circuits:DisconnectedRetentionSeconds must be between 1 and 86400")
            .Validate(o => o.MaxRetainedDisconnected is >= 0 and <= 100_000, "Circuits:MaxRetainedDisconnected must be between 0 and 100000")
            .ValidateOnStart();
        builder.Services.AddOptions<CircuitOptions>().Configure<IOptions<CircuitRetentionOptions>>((circuits, retention) =>
        {
            circuits.DisconnectedCircuitRetentionPeriod = TimeSpan.FromSeconds(retention.Value.DisconnectedRetentionSeconds);
            circuits.DisconnectedCircuitMaxRetained = retention.Value.MaxRetainedDisconnected;
        });
        builder.Services.AddRadzenComponents();
        builder.Services.AddMudServices();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<ScopedRunner>();
        return builder;
    }

    public static WebApplication MapVaeUi(this WebApplication app)
    {
        app.UseStaticFiles();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAccountEndpoints();
        return app;
    }
}
