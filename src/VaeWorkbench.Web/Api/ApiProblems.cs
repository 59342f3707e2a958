using Microsoft.AspNetCore.Mvc;

namespace VaeWorkbench.Web.Api;

/// <summary>Writes a ProblemDetails body from places outside endpoints (authentication challenges).</summary>
internal static class ApiProblems
{
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        // A client that accepts no JSON (say, only text/html) still gets the problem as JSON rather than an exception.
        if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
            await context.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json");
    }
}
