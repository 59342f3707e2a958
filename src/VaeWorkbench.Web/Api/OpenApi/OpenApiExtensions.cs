using Microsoft.OpenApi;

namespace VaeWorkbench.Web.Api.OpenApi;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, made complete enough for a generated client: how to authenticate,
/// every error an operation can answer, and <c>required</c> lists that match what the server accepts and sends.
/// </summary>
public static class OpenApiExtensions
{
    public static IServiceCollection AddVaeOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<BearerSecurityTransformer>();
            options.AddOperationTransformer<BearerSecurityTransformer>();
            options.AddOperationTransformer<ProblemResponsesTransformer>();
            options.AddDocumentTransformer<DocumentConventionsTransformer>();
            options.AddOperationTransformer<DocumentConventionsTransformer>();
            options.AddSchemaTransformer<RequiredPropertiesTransformer>();
        });
        return services;
    }

    /// <summary>Declares a file download: a binary 200 body of the given media type.</summary>
    public static RouteHandlerBuilder ProducesFile(this RouteHandlerBuilder builder, string contentType) =>
        builder.Produces(StatusCodes.Status200OK).AlsoProducesFile(contentType);

    /// <summary>
    /// Declares a file as a form of the endpoint's 200 response, inline as <c>string</c>/<c>binary</c> (what generated
    /// clients read as a stream). Also for a second form next to JSON (a list that can be exported), which
    /// <c>Produces</c> cannot declare: a second declaration for the same status replaces the first.
    /// </summary>
    public static RouteHandlerBuilder AlsoProducesFile(this RouteHandlerBuilder builder, string contentType) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Responses ??= [];
            if (!operation.Responses.TryGetValue("200", out var response))
                operation.Responses["200"] = response = new OpenApiResponse { Description = "OK" };
            if (response is OpenApiResponse ok)
            {
                ok.Content ??= new Dictionary<string, OpenApiMediaType>();
                ok.Content[contentType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
            }
            return Task.CompletedTask;
        });
}
