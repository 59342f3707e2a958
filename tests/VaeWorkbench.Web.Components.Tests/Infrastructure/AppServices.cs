using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using VaeWorkbench.Web.Augmentation;
using VaeWorkbench.Web.Cluster;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Identity;
using VaeWorkbench.Web.Inspection;
using VaeWorkbench.Web.Registry;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Scoring;

namespace VaeWorkbench.Web.Components.Tests.Infrastructure;

/// <summary>
/// The services the app's pages use, registered by the app's own extension methods as Program.cs calls them, on a
/// data directory of the test's own. Left out are the parts that serve HTTP rather than components: the API, sign-in
/// rate limiting and the Razor Components server (<see cref="UiExtensions.AddVaeUi"/>), whose NavigationManager, JS
/// runtime and authentication state bUnit replaces with its doubles.
/// </summary>
internal static class AppServices
{
    public static IServiceCollection For(string dataDirectory)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = "Testing",
            ContentRootPath = AppContext.BaseDirectory,
        });
        // The app reads the root appsettings.json from its build output, which the project reference copies here too.
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory,
            // The new-run page times real training steps for its estimate; one thread leaves the other core to the tests.
            ["Training:DefaultThreads"] = "1",
        });

        builder.AddVaeStorage();
        builder.AddVaeIdentity();
        builder.AddVaeRuns();
        builder.AddVaeDatasets();
        builder.AddVaeScoring();
        builder.AddVaeInspection();
        builder.AddVaeAugmentation();
        builder.AddVaeRegistry();
        builder.AddVaeJobEvents();
        // Hosted services (the job runners, sweepers) are registered but never started: nothing runs the host, so a
        // queued run stays queued for the test to see.
        return builder.Services;
    }
}
