using VaeWorkbench.Web.Api;
using VaeWorkbench.Web.Augmentation;
using VaeWorkbench.Web.Backups;
using VaeWorkbench.Web.Cluster;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Identity;
using VaeWorkbench.Web.Inspection;
using VaeWorkbench.Web.Registry;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Scoring;
using VaeWorkbench.Web.Storage;

// `VaeWorkbench.Web check-storage`, `backup --out <folder>` and `restore --from <folder>` work on the configured data,
// then exit (see MaintenanceCommand).
var command = MaintenanceCommand.Parse(args);

// Content and web roots are the build output, so the app finds appsettings.json and its assets from any working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = command?.HostArgs ?? args,
    ContentRootPath = AppContext.BaseDirectory,
});

// The role (web, worker or all) decides which job queues run here and what is served.
var node = builder.AddVaeNode(command?.HostArgs ?? args);
builder.AddVaeReverseProxy();
builder.AddVaeStorage();
builder.AddVaeIdentity();
builder.AddVaeSignInRateLimiting();
builder.AddVaeApi();
builder.AddVaeRuns();
builder.AddVaeUi();
builder.AddVaeDatasets();
builder.AddVaeScoring();
builder.AddVaeInspection();
builder.AddVaeAugmentation();
builder.AddVaeRegistry();
builder.AddVaeBackups();
builder.AddVaeJobEvents();
builder.AddVaeMetrics();

var app = builder.Build();
if (command is not null)
{
    Environment.ExitCode = await command.RunAsync(app.Services, Console.Out);
    return;
}
if (!await app.Services.TryMigrateDatabaseAsync())
{
    Environment.ExitCode = 1;
    return;
}
await app.Services.RecoverStorageAsync();

// The proxy's scheme and client address before anything reads them; security headers next, so every response
// carries them, errors included; sign-in limits before any sign-in work.
app.UseVaeReverseProxy();
app.UseVaeSecurityHeaders();
app.UseVaeApiConventions();
app.UseVaeSignInRateLimiting();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapVaeMetrics();
if (node.ServesUi)
{
    app.MapVaeUi();
    app.MapVaeApi();
    app.MapVaeBackups();
}
else
{
    // A worker serves no pages and no API: only the probes (and /metrics above) for its orchestrator.
    app.MapVaeHealth();
}

app.Run();

/// <summary>Exposed for WebApplicationFactory in the tests.</summary>
public partial class Program;
