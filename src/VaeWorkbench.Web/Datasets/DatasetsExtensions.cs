using Microsoft.AspNetCore.Components.Server;
using VaeWorkbench.Web.Cluster;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Datasets;

public static class DatasetsExtensions
{
    /// <summary>Dataset services, their limits, and the Blazor circuit limits that browser uploads need.</summary>
    public static IHostApplicationBuilder AddVaeDatasets(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatasetOptions>()
            .Bind(builder.Configuration.GetSection(DatasetOptions.SectionName))
            .Validate(o => o.MaxUploadBytes > 0, "Datasets:MaxUploadBytes must be positive")
            .Validate(o => o.MaxFilesPerUpload > 0, "Datasets:MaxFilesPerUpload must be positive")
            .Validate(o => o.MaxConcurrentUploadsPerUser > 0, "Datasets:MaxConcurrentUploadsPerUser must be positive")
            .Validate(o => o.MaxImagesPerDataset > 0, "Datasets:MaxImagesPerDataset must be positive")
            .Validate(o => o.MaxZipInflatedBytes > 0, "Datasets:MaxZipInflatedBytes must be positive")
            .Validate(o => o.InsertBatchSize is > 0 and <= 10_000, "Datasets:InsertBatchSize must be between 1 and 10000")
            .Validate(o => o.BrowserMaxMessageBytes >= 32 * 1024, "Datasets:BrowserMaxMessageBytes must be at least 32768")
            .Validate(o => o.BrowserCallTimeoutSeconds > 0, "Datasets:BrowserCallTimeoutSeconds must be positive")
            .Validate(o => o.ImportHeartbeatSeconds >= 1 && o.ImportLeaseSeconds >= 2 * o.ImportHeartbeatSeconds,
                "Datasets:ImportLeaseSeconds must be at least twice Datasets:ImportHeartbeatSeconds")
            .Validate(o => o.ImportPollSeconds >= 1, "Datasets:ImportPollSeconds must be at least 1")
            .Validate(o => o.ImportConcurrency is >= 1 and <= 64, "Datasets:ImportConcurrency must be between 1 and 64")
            .Validate(o => o.ImportMaxAttempts is >= 1 and <= 10, "Datasets:ImportMaxAttempts must be between 1 and 10")
            .Validate(o => o.ImportWaitSeconds >= 0, "Datasets:ImportWaitSeconds cannot be negative")
            .ValidateOnStart();
        builder.Services.AddSingleton<UploadSlots>();
        builder.Services.AddSingleton<ImportLeases>();
        builder.Services.AddScoped<DatasetService>();
        builder.Services.AddScoped<ImageTagService>();
        builder.Services.AddScoped<DatasetImportService>();
        builder.Services.AddSingleton<ImportStaging>();
        builder.Services.AddSingleton<ImportEvents>();
        builder.Services.AddScoped<ImportJobRunner>();
        builder.Services.AddScoped<DatasetCleanup>();
        builder.Services.AddHostedService<InterruptedImportRecovery>();
        // Imports are jobs: a web node stages and enqueues; only nodes that run jobs start the queue (Node:Role). After
        // the recovery above, whose start fails the imports a stopped node left for good before this queue looks at them.
        builder.AddJobQueue<DatasetImportQueue>();
        builder.Services.AddHostedService<DeletedDatasetSweeper>();

        // Browser uploads stream over the circuit's SignalR connection. The page raises the per-file stream limit to
        // Datasets:MaxUploadBytes; the interop call timeout and message size are settings here (see the README).
        var limits = builder.Configuration.GetSection(DatasetOptions.SectionName).Get<DatasetOptions>() ?? new DatasetOptions();
        builder.Services.AddServerSideBlazor(circuit => circuit.JSInteropDefaultCallTimeout = TimeSpan.FromSeconds(limits.BrowserCallTimeoutSeconds))
            .AddHubOptions(hub => hub.MaximumReceiveMessageSize = limits.BrowserMaxMessageBytes);
        return builder;
    }
}
