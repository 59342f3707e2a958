using Microsoft.AspNetCore.Mvc;

namespace VaeWorkbench.Web.Api;

/// <summary>Writes a ProblemDetails body from places outside endpoints (authentication challenges).</summary>
internal static class ApiProblems
{
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
