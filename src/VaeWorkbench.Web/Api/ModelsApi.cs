using Microsoft.AspNetCore.Http.HttpResults;
using VaeWorkbench.Web.Api.OpenApi;
using VaeWorkbench.Web.Audit;
using VaeWorkbench.Web.Identity;
using VaeWorkbench.Web.Registry;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Api;

internal static class ModelsApi
{
    public static void MapModelsApi(this RouteGroupBuilder api)
    {
        var models = api.MapGroup("/models").WithTags("Models").RequireAuthorization();

        models.MapGet("/", async Task<Ok<List<ModelSummary>>> (Guid? teamId, HttpContext http, ModelService service, TeamService teams, CancellationToken ct) =>
        {
            var userId = http.User.UserId();
            var team = teamId ?? (await teams.CurrentTeamAsync(userId, ct))?.Id ?? throw AccessDeniedException.NotFound("Team");
            return TypedResults.Ok(await service.ListAsync(userId, team, ct));
        }).WithSummary("Trained models of a team (default: the caller's current team).");

        models.MapGet("/{modelId:guid}", async Task<Ok<ModelSummary>> (Guid modelId, HttpContext http, ModelService service, CancellationToken ct) =>
            TypedResults.Ok(await service.GetAsync(http.User.UserId(), modelId, ct)))
            .WithSummary("A model: its run, dataset, engine config and final metrics.");

        models.MapGet("/{modelId:guid}/file", async Task<FileStreamHttpResult> (Guid modelId, bool? includeTrainingState, HttpContext http, ModelService service, AuditLog audit, BlobStore blobs, CancellationToken ct) =>
        {
            var (hash, _) = await service.FileAsync(http.User.UserId(), modelId, ct);
            var withState = includeTrainingState ?? false;
            await audit.RecordModelDownloadAsync(http.User.UserId(), modelId, withState, ct);
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return TypedResults.File(await ModelDownload.OpenAsync(blobs, hash, withState, ct), "application/octet-stream", $"model-{modelId:N}.vae");
        }).ProducesFile("application/octet-stream").WithSummary("Download the model as a .vae file (safetensors with the config and history in __metadata__): " +
            "by default the inference file (weights and config, about a third of the size); includeTrainingState=true adds the optimizer state needed to resume training.");
    }
}
