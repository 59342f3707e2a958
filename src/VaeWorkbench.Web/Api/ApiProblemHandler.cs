using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Api;

/// <summary>
/// The one mapping from exceptions to ProblemDetails: the domain's expected failures and malformed requests get their
/// status and a <c>detail</c> that says what was wrong; anything else is a 500. Client errors are logged at Information
/// without a stack trace (a probe must not flood the log); server errors at Error with one.
/// </summary>
internal sealed class ApiProblemHandler(IProblemDetailsService problems, ILogger<ApiProblemHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var problem = ToProblem(exception);
        if (problem.Status >= StatusCodes.Status500InternalServerError)
            logger.LogError(exception, "Unhandled error for {Method} {Path}", context.Request.Method, context.Request.Path);
        else
            logger.LogInformation("Refused {Method} {Path}: {Status} {Detail}", context.Request.Method, context.Request.Path, problem.Status, problem.Detail);

        context.Response.StatusCode = problem.Status!.Value;
        if (exception is TooManyUploadsException busy)
            context.Response.Headers.RetryAfter = ((int)busy.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception, ProblemDetails = problem });
    }

    private static ProblemDetails ToProblem(Exception exception)
    {
        switch (exception)
        {
            case AccessDeniedException { Hidden: true }:
                return Problem(StatusCodes.Status404NotFound, "Not found", exception.Message);
            case AccessDeniedException:
                return Problem(StatusCodes.Status403Forbidden, "Forbidden", exception.Message);
            case InvalidFieldsException invalid:
                return new ValidationProblemDetails(invalid.Errors.ToDictionary(e => e.Key, e => e.Value))
                {
                    Status = StatusCodes.Status400BadRequest, Title = "Invalid settings", Detail = invalid.Message,
                };
            case RequestRejectedException { Field: { } field }:
                return new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [exception.Message] })
                    { Status = StatusCodes.Status400BadRequest, Title = "Invalid request", Detail = exception.Message };
            case RequestRejectedException:
                return Problem(StatusCodes.Status400BadRequest, "Invalid request", exception.Message);
            case TooManyUploadsException:
                return Problem(StatusCodes.Status429TooManyRequests, "Too many uploads", exception.Message);
            case AntiforgeryValidationException:
                return Problem(StatusCodes.Status400BadRequest, "Missing or invalid antiforgery token", exception.Message);
            case BadHttpRequestException { InnerException: JsonException json }:
                return Malformed(json);
            case JsonException json:
                return Malformed(json);
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return Problem(StatusCodes.Status413PayloadTooLarge, "Request too large", "The request body is larger than this endpoint accepts.");
            case BadHttpRequestException bad:
                return Problem(bad.StatusCode, "Bad request", bad.Message);
            default:
                return Problem(StatusCodes.Status500InternalServerError, "Unexpected error", "The server failed to handle this request. The error has been logged.");
        }
    }

    private static ValidationProblemDetails Malformed(JsonException json)
    {
        var (detail, errors) = JsonProblems.Describe(json);
        return new ValidationProblemDetails(errors) { Status = StatusCodes.Status400BadRequest, Title = "Malformed request body", Detail = detail };
    }

    private static ProblemDetails Problem(int status, string title, string detail) => new() { Status = status, Title = title, Detail = detail };
}
