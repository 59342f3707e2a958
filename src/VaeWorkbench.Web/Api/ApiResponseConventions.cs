using Microsoft.AspNetCore.WebUtilities;

namespace VaeWorkbench.Web.Api;

/// <summary>
/// What every response under <c>/api</c> promises: an error is <c>application/problem+json</c> whoever produced it
/// (an endpoint, routing's 404 and 405, the server's 413 and 415), and nothing is cached, since responses carry tokens
/// and team data.
/// </summary>
public static class ApiResponseConventions
{
    public static IHostApplicationBuilder AddVaeApiConventions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ApiProblemHandler>();
        // Malformed bodies, wrong content types and unbindable parameters become exceptions that ApiProblemHandler
        // describes, instead of an empty 400 or 415 written by the endpoint's generated binding code.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return builder;
    }

    public static WebApplication UseVaeApiConventions(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseWhen(context => IsApi(context.Request), api =>
        {
            api.Use((context, next) =>
            {
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers.CacheControl = "no-store";
                    return Task.CompletedTask;
                });
                return next(context);
            });
            api.UseStatusCodePages(context => WriteStatusProblemAsync(context.HttpContext));
        });
        return app;
    }

    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api");

    /// <summary>An error status that left the pipeline without a body: say what it means for this request.</summary>
    private static Task WriteStatusProblemAsync(HttpContext context)
    {
        var request = context.Request;
        var status = context.Response.StatusCode;
        var detail = status switch
        {
            StatusCodes.Status404NotFound when context.GetEndpoint() is null => $"No API endpoint matches {request.Path}.",
            StatusCodes.Status405MethodNotAllowed =>
                $"{request.Method} is not allowed on {request.Path}; allowed: {context.Response.Headers.Allow}.",
            StatusCodes.Status413PayloadTooLarge => "The request body is larger than this endpoint accepts.",
            StatusCodes.Status415UnsupportedMediaType =>
                $"This endpoint does not accept a body of type '{request.ContentType ?? "none"}'; send application/json.",
            _ => ReasonPhrases.GetReasonPhrase(status),
        };
        return ApiProblems.WriteAsync(context, status, ReasonPhrases.GetReasonPhrase(status), detail);
    }
}
