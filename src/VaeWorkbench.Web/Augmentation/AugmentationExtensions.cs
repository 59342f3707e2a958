using VaeWorkbench.Web.Cluster;
namespace VaeWorkbench.Web.Augmentation;

public static class AugmentationExtensions
{
    /// <summary>Generation jobs, augmented sets, previews and exports.</summary>
    public static IHostApplicationBuilder AddVaeAugmentation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AugmentationOptions>().Bind(builder.Configuration.GetSection(AugmentationOptions.SectionName))
            .Validate(o => o.Threads is >= 0 and <= 256, "Augmentation:Threads must be between 0 and 256")
            .Validate(o => o.HeartbeatSeconds >= 1 && o.LeaseSeconds >= 2 * o.HeartbeatSeconds, "Augmentation:LeaseSeconds must be at least twice Augmentation:HeartbeatSeconds")
            .Validate(o => o.FilterReferenceLimit >= 1, "Augmentation:FilterReferenceLimit must be positive")
            .Validate(o => o.PreviewCount is >= 1 and <= 1024, "Augmentation:PreviewCount must be between 1 and 1024")
            .ValidateOnStart();
        builder.Services.AddSingleton<AugmentationEvents>();
        builder.Services.AddSingleton<AugmentationJobRunner>();
        builder.Services.AddSingleton<ClassJudgeCache>();
        // A web node enqueues; only nodes that run jobs start the queue (Node:Role).
        builder.AddJobQueue<AugmentationJobService>();
        builder.Services.AddScoped<AugmentationService>();
        builder.Services.AddScoped<AugmentationExport>();
        builder.Services.AddScoped<AugmentationPreview>();
        builder.Services.AddScoped<AugmentationMerge>();
        return builder;
    }
}
