using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using VaeWorkbench.Web.Api.OpenApi;
using VaeWorkbench.Web.Audit;
using VaeWorkbench.Web.Identity;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Api;

internal static class AuditApi
{
    public static void MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/teams/{teamId:guid}/audit", async Task<Results<Ok<List<AuditRecord>>, FileContentHttpResult>> (
            Guid teamId, string? action, string? userId, string? objectType, string? objectId, DateTimeOffset? from, DateTimeOffset? to,
            long? before, int? take, string? format, HttpContext http, AuditLog audit, CancellationToken ct) =>
        {
            if (format is not (null or "json" or "csv")) throw new RequestRejectedException("format is json (the default) or csv.");
            var csv = format == "csv";
            var entries = await audit.ListAsync(http.User.UserId(), teamId,
                new AuditFilter(action, userId, objectType, objectId, from, to, before, take ?? (csv ? AuditLog.MaxTake : null)), ct);
            if (!csv) return TypedResults.Ok(entries);
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return TypedResults.File(Encoding.UTF8.GetBytes(AuditCsv.Write(entries)), "text/csv; charset=utf-8", $"audit-{teamId:N}.csv");
        }).AlsoProducesFile("text/csv").WithTags("Teams").RequireAuthorization()
          .WithSummary("The team's audit log, newest first (every member may read it). Filters: action, userId, objectType, objectId, from, to; paging: before (an entry id), take (≤ 1000); format=csv exports.");
    }
}
