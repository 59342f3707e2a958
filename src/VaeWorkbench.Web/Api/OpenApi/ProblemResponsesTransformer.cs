using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;
using VaeWorkbench.Web.Hosting;

namespace VaeWorkbench.Web.Api.OpenApi;

/// <summary>
/// Declares on every operation the errors it can answer, as <c>application/problem+json</c>, so a generated client
/// knows them: ApiProblemHandler and ApiResponseConventions produce them for every endpoint, but only a few endpoints
/// say so themselves. Responses an endpoint declares itself are kept as they are.
/// </summary>
internal sealed class ProblemResponsesTransformer : IOpenApiOperationTransformer
{
    private const string ProblemJson = "application/problem+json";
    private const string ProblemSchemaId = nameof(ProblemDetails);

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Document is not { } document) return;
        var statuses = ErrorStatuses(operation, context).ToList();
        if (statuses.Count == 0) return;

        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(ProblemSchemaId))
            document.AddComponent(ProblemSchemaId, await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), cancellationToken: cancellationToken));

        operation.Responses ??= [];
        foreach (var status in statuses)
        {
            operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse
            {
                Description = Describe(status),
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [ProblemJson] = new() { Schema = new OpenApiSchemaReference(ProblemSchemaId, document) },
                },
            });
        }
    }

    private static IEnumerable<int> ErrorStatuses(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var parameters = operation.Parameters ?? [];
        var body = operation.RequestBody?.Content;
        // Malformed or invalid input: a body, a query value or a route value the endpoint refuses.
        if (body is not null || parameters.Count > 0) yield return StatusCodes.Status400BadRequest;
        if (context.Description.RequiresAuthorization())
        {
            yield return StatusCodes.Status401Unauthorized;
            // A role too low for the action (Viewer where Editor is needed), or a foreign team given by id.
            yield return StatusCodes.Status403Forbidden;
        }
        // An object addressed by id or name that does not exist or belongs to a team the caller is not in: both are
        // 404, so that ids of other teams' objects cannot be probed. Endpoints that take an id in the body declare
        // their 404 themselves.
        if (parameters.Any(AddressesAnObject)) yield return StatusCodes.Status404NotFound;
        if (body is not null)
        {
            yield return StatusCodes.Status413PayloadTooLarge;
            yield return StatusCodes.Status415UnsupportedMediaType;
        }
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<SignInRateLimitedAttribute>().Any())
            yield return StatusCodes.Status429TooManyRequests;
    }

    private static bool AddressesAnObject(IOpenApiParameter parameter) =>
        parameter.In == ParameterLocation.Path
        || (parameter.In == ParameterLocation.Query && parameter.Name is { } name && name.EndsWith("Id", StringComparison.Ordinal));

    private static string Describe(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request is malformed or invalid; `detail` says what was wrong.",
        StatusCodes.Status401Unauthorized => "No valid bearer token or login cookie.",
        StatusCodes.Status403Forbidden => "The caller's role in the team does not allow this.",
        StatusCodes.Status404NotFound => "No such object, or it belongs to a team the caller is not in.",
        StatusCodes.Status413PayloadTooLarge => "The request body is larger than this endpoint accepts.",
        StatusCodes.Status415UnsupportedMediaType => "The body's content type is not one this endpoint accepts.",
        StatusCodes.Status429TooManyRequests => "Too many sign-in attempts for this address or account; retry after `Retry-After` seconds.",
        _ => ReasonPhrases.GetReasonPhrase(status),
    };
}
