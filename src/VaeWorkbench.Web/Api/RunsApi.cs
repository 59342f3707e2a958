using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Identity;
using VaeWorkbench.Web.Labels;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Api;

public sealed record RunCreatedResponse(Guid Id, RunStatus Status, int? QueuePosition);

public sealed record RunHistoryPoint(int Epoch, double TrainLoss, double? ValLoss, double Recon, double Kl, double? ValRecon, double? ValKl, double Seconds, double ImagesPerSecond);

public sealed record RunResponse(
    Guid Id, RunStatus Status, int Epoch, int Epochs, IReadOnlyList<RunHistoryPoint> History, string? Error, Guid? ModelId,
    Guid DatasetId, int? QueuePosition, RunSettings Settings, string Name, IReadOnlyList<string> Tags, string Notes);

internal static class RunsApi
{
    public static void MapRunsApi(this RouteGroupBuilder api)
    {
        var runs = api.MapGroup("/runs").WithTags("Runs").RequireAuthorization();

        runs.MapPost("/", async Task<Created<RunCreatedResponse>> (
            RunSettings settings, [FromHeader(Name = RunSubmissionKey.Header)] string? submissionKey, HttpContext http, RunService service, CancellationToken ct) =>
        {
            var run = await service.CreateAsync(http.User.UserId(), settings, submissionKey, ct);
            return TypedResults.Created($"/api/runs/{run.Id}", new RunCreatedResponse(run.Id, run.Status, run.QueuePosition));
        }).ProducesProblem(StatusCodes.Status404NotFound) // the dataset named in the body
          .WithSummary("Queue a training run on a dataset (Editor). Missing fields take the defaults: the mlp preset, 10 epochs, batch 128, lr 1e-3. " +
            "With an Idempotency-Key header, repeating the request (a retry, a double click) answers with the same run instead of queueing another.");

        runs.MapGet("/", async Task<Ok<List<RunSummary>>> (Guid? teamId, string? q, string? tag, HttpContext http, RunService runService, TeamService teams, CancellationToken ct) =>
        {
            var userId = http.User.UserId();
            var team = teamId ?? (await teams.CurrentTeamAsync(userId, ct))?.Id ?? throw AccessDeniedException.NotFound("Team");
            return TypedResults.Ok(await runService.ListAsync(userId, team, ct, q, tag));
        }).WithSummary("Runs of a team (default: the caller's current team), newest first; q searches names and notes, tag filters by an exact tag.");

        runs.MapPatch("/{runId:guid}", async Task<Ok<LabelsResponse>> (Guid runId, LabelPatch patch, HttpContext http, RunService service, CancellationToken ct) =>
            TypedResults.Ok(await service.UpdateLabelsAsync(http.User.UserId(), runId, patch, ct)))
            .WithSummary("Rename, re-tag or annotate a run: {name?, tags?, notes?}; a field left out stays as it is (Editor).");

        runs.MapGet("/{runId:guid}", async Task<Ok<RunResponse>> (Guid runId, HttpContext http, RunService service, CancellationToken ct) =>
            TypedResults.Ok(ToResponse(await service.GetAsync(http.User.UserId(), runId, ct))))
            .WithSummary("A run's status, progress and per-epoch history (per-image losses in nats).");

        runs.MapPost("/{runId:guid}/cancel", async Task<Ok<RunSummary>> (Guid runId, HttpContext http, RunService service, CancellationToken ct) =>
            TypedResults.Ok(await service.CancelAsync(http.User.UserId(), runId, ct)))
            .WithSummary("Cancel a queued or running run (Editor).");
    }

    private static RunResponse ToResponse(RunDetails run) => new(
        run.Summary.Id, run.Summary.Status, run.Summary.Epoch, run.Summary.Epochs,
        run.History.Select(h => new RunHistoryPoint(h.Epoch, h.TrainLoss, h.ValLoss, h.Recon, h.Kl, h.ValRecon, h.ValKl, h.Seconds, h.ImagesPerSecond)).ToList(),
        run.Summary.Error, run.Summary.ModelId, run.Summary.DatasetId, run.Summary.QueuePosition, run.Settings,
        run.Summary.Name, run.Summary.Tags ?? [], run.Summary.Notes);
}
