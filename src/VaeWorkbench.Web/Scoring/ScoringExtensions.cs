using VaeWorkbench.Web.Cluster;
namespace VaeWorkbench.Web.Scoring;

public static class ScoringExtensions
{
    /// <summary>Anomaly scoring: options, the job queue and its runner, live progress, and the scoring and review services.</summary>
    public static IHostApplicationBuilder AddVaeScoring(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ScoringOptions>().Bind(builder.Configuration.GetSection(ScoringOptions.SectionName))
            .Validate(o => o.MaxSamples is >= 1 and <= 100_000, "Scoring:MaxSamples must be between 1 and 100000")
            .Validate(o => o.Threads is >= 0 and <= 256, "Scoring:Threads must be between 0 and 256")
            .Validate(o => o.LeaseSeconds >= 10, "Scoring:LeaseSeconds must be at least 10")
            .Validate(o => o.HeartbeatSeconds >= 1 && o.LeaseSeconds >= 2 * o.HeartbeatSeconds, "Scoring:LeaseSeconds must be at least twice Scoring:HeartbeatSeconds")
            .ValidateOnStart();
        builder.Services.AddSingleton<ScoreEvents>();
        builder.Services.AddSingleton<ScoreJobRunner>();
        // A web node enqueues; only nodes that run jobs start the queue (Node:Role).
        builder.AddJobQueue<ScoreJobService>();
        builder.Services.AddScoped<ScoringService>();
        builder.Services.AddScoped<ReviewService>();
        builder.Services.AddScoped<ReviewQueueService>();
        builder.Services.AddScoped<CleanedDatasetService>();
        return builder;
    }
}
