namespace VaeWorkbench.Web.Inspection;

public static class InspectionExtensions
{
    /// <summary>Model inspection for pages: reconstructions, samples, interpolation, traversal, metrics, review pictures.</summary>
    public static IHostApplicationBuilder AddVaeInspection(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DatasetTensorCache>();
        builder.Services.AddScoped<EvaluationImages>();
        builder.Services.AddScoped<InspectionService>();
        return builder;
    }
}
