using Microsoft.Extensions.DependencyInjection.Extensions;
namespace VaeWorkbench.Web.Cluster;

public static class NodeExtensions
{
    /// <summary><c>--role web</c> on the command line is <c>Node:Role</c>.</summary>
    public static readonly IReadOnlyDictionary<string, string> CommandLineSwitches =
        new Dictionary<string, string> { ["--role"] = $"{NodeOptions.SectionName}:{nameof(NodeOptions.Role)}" };

    /// <summary>Reads the role (failing on a bad one) and registers it as <see cref="NodeOptions"/>.</summary>
    public static NodeOptions AddVaeNode(this WebApplicationBuilder builder, string[] args)
    {
        builder.Configuration.AddCommandLine(args, CommandLineSwitches.ToDictionary());
        var node = new NodeOptions { Role = NodeOptions.Read(builder.Configuration) };
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(node));
        builder.Services.AddSingleton(node);
        return node;
    }

    /// <summary>Registers a job queue's hosted service only on a node that runs jobs.</summary>
    public static void AddJobQueue<TQueue>(this IHostApplicationBuilder builder) where TQueue : class, IHostedService
    {
        // Every queue records its jobs (and a request may run one on a node that runs jobs), whether or not /metrics is served.
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<JobMetrics>();
        builder.Services.AddSingleton<TQueue>();
        if (NodeOptions.Read(builder.Configuration) is NodeRole.Web) return;
        builder.Services.AddHostedService(services => services.GetRequiredService<TQueue>());
    }
}
