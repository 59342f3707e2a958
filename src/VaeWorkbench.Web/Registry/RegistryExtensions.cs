using VaeWorkbench.Web.Audit;

namespace VaeWorkbench.Web.Registry;

public static class RegistryExtensions
{
    /// <summary>The model registry, its import limit, the model card renderer, and the audit log.</summary>
    public static IHostApplicationBuilder AddVaeRegistry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RegistryOptions>().Bind(builder.Configuration.GetSection(RegistryOptions.SectionName))
            .Validate(o => o.MaxImportBytes is > 0 and <= int.MaxValue, "Registry:MaxImportBytes must be between 1 and 2147483647")
            .ValidateOnStart();
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddScoped<RegistryService>();
        builder.Services.AddSingleton<ModelCardRenderer>();
        return builder;
    }
}

public sealed class RegistryOptions
{
    public const string SectionName = "Registry";

    /// <summary>Largest <c>.vae</c> file <c>POST /api/registry/import</c> accepts; it is validated in memory.</summary>
    public long MaxImportBytes { get; set; } = 512L * 1024 * 1024;
}
