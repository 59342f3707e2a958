namespace VaeWorkbench.Web.Runs;

public static class RunsExtensions
{
    /// <summary>The training queue: options, the job service that runs it, and live progress for pages.</summary>
    public static IHostApplicationBuilder AddVaeRuns(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TrainingJobOptions>().Bind(builder.Configuration.GetSection(TrainingJobOptions.SectionName))
            .Validate(o => o.MaxConcurrentRuns is >= 1 and <= 64, "Training:MaxConcurrentRuns must be between 1 and 64")
            .Validate(o => o.DefaultThreads is >= 0 and <= 256, "Training:DefaultThreads must be between 0 and 256")
            .Validate(o => o.HeartbeatSeconds >= 1 && o.LeaseSeconds >= 2 * o.HeartbeatSeconds, "Training:LeaseSeconds must be at least twice Training:HeartbeatSeconds")
            .Validate(o => o.MemoryBudgetMegabytes is >= 1 and <= 1_048_576, "Training:MemoryBudgetMegabytes must be between 1 and 1048576")
            .ValidateOnStart();
        builder.Services.AddSingleton<RunEvents>();
        builder.Services.AddSingleton<TrainingJobSignal>();
        builder.Services.AddSingleton<TrainingJobRunner>();
        builder.Services.AddSingleton<TrainingJobService>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TrainingJobService>());
        builder.Services.AddScoped<RunService>();
        builder.Services.AddScoped<ModelService>();
        builder.Services.AddSingleton<ModelCache>();
        return builder;
    }
}
