using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Api;

/// <summary>Turns the domain's expected failures into ProblemDetails with a clear <c>detail</c>; anything else is a 500.</summary>
internal sealed class ApiProblemHandler(IProblemDetailsService problems, ILogger<ApiProblemHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var (status, title) = exception switch
        {
            AccessDeniedException { Hidden: true } => (StatusCodes.Status404NotFound, "Not found"),
            AccessDeniedException => (StatusCodes.Status403Forbidden, "Forbidden"),
            RequestRejectedException => (StatusCodes.Status400BadRequest, "Invalid request"),
            AntiforgeryValidationException => (StatusCodes.Status400BadRequest, "Missing or invalid antiforgery token"),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request"),
            _ => (StatusCodes.Status500InternalServerError, "Unexpected error"),
        };
        var detail = status == StatusCodes.Status500InternalServerError
            ? "The server failed to handle this request. The error has been logged."
            : exception.Message;
        if (status == StatusCodes.Status500InternalServerError)
            logger.LogError(exception, "Unhandled error for {Method} {Path}", context.Request.Method, context.Request.Path);

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
