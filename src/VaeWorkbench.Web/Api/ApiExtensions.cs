using System.Text.Json.Serialization;
using VaeWorkbench.Web.Api.OpenApi;
using VaeWorkbench.Web.Hosting;

namespace VaeWorkbench.Web.Api;

public static class ApiExtensions
{
    public static IHostApplicationBuilder AddVaeApi(this IHostApplicationBuilder builder)
    {
        builder.AddVaeApiConventions();
        builder.Services.AddAntiforgery(o => o.HeaderName = "X-CSRF-TOKEN");
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddVaeOpenApi();
        return builder;
    }

    /// <summary>Maps the REST API under <c>/api</c>, the OpenAPI document, its reference page and the health probe.</summary>
    public static WebApplication MapVaeApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter<CookieAntiforgeryFilter>();
        api.MapAuthApi();
        api.MapMeApi();
        api.MapTeamsApi();
        api.MapTokensApi();
        api.MapDatasetsApi();
        api.MapRunsApi();
        api.MapModelsApi();
        api.MapScoresApi();
        api.MapSelectionApi();
        api.MapAugmentationApi();
        api.MapRegistryApi();
        api.MapAuditApi();

        app.MapOpenApi();
        app.MapVaeApiReference();
        app.MapVaeHealth();
        return app;
    }
}
