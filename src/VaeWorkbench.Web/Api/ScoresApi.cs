using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using VaeWorkbench.Web.Api.OpenApi;
using VaeWorkbench.Web.Identity;
using VaeWorkbench.Web.Scoring;

namespace VaeWorkbench.Web.Api;

internal static class ScoresApi
{
    public static void MapScoresApi(this RouteGroupBuilder api)
    {
        api.MapPost("/models/{modelId:guid}/scores", async Task<Accepted<StartScoreResponse>> (Guid modelId, StartScoreRequest request, HttpContext http, ScoringService service, CancellationToken ct) =>
        {
            var jobId = await service.StartAsync(http.User.UserId(), modelId, request, ct);
            return TypedResults.Accepted($"/api/scores/{jobId}", new StartScoreResponse(jobId));
        }).WithTags("Scores").RequireAuthorization()
          .WithSummary("Score every image of a dataset with the model: method recon|elbo|iwae|latent|complexity, k samples (Editor). Runs as a background job.");

        api.MapGet("/models/{modelId:guid}/scores", async Task<Ok<List<ScoreJobSummary>>> (Guid modelId, HttpContext http, ScoringService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListForModelAsync(http.User.UserId(), modelId, ct)))
            .WithTags("Scores").RequireAuthorization().WithSummary("The model's score jobs, newest first.");

        var scores = api.MapGroup("/scores").WithTags("Scores").RequireAuthorization();

        scores.MapGet("/{jobId:guid}", async Task<Ok<ScoreJobResult>> (Guid jobId, HttpContext http, ScoringService service, CancellationToken ct) =>
            TypedResults.Ok(await service.GetAsync(http.User.UserId(), jobId, ct)))
            .WithSummary("A score job: status, threshold (rule and value), AUROC and AP when normal classes are set, and every image's score and flag (imageId is the dataset image id).");

        scores.MapPut("/{jobId:guid}/settings", async Task<Ok<ScoreJobResult>> (Guid jobId, ScoreSettingsRequest request, HttpContext http, ScoringService service, CancellationToken ct) =>
            TypedResults.Ok(await service.UpdateSettingsAsync(http.User.UserId(), jobId, request, ct)))
            .WithSummary("Set the threshold rule (Percentile, RobustZ or Manual, with its value) and the normal classes for AUROC (Editor).");

        scores.MapGet("/{jobId:guid}/reviews", async Task<Ok<List<ReviewView>>> (Guid jobId, HttpContext http, ReviewService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(http.User.UserId(), jobId, ct)))
            .WithSummary("Review decisions recorded on a score job.");

        scores.MapGet("/{jobId:guid}/reviews.csv", async Task<FileContentHttpResult> (Guid jobId, HttpContext http, ReviewService service, CancellationToken ct) =>
        {
            var csv = await service.CsvAsync(http.User.UserId(), jobId, ct);
            http.Response.Headers.XContentTypeOptions = "nosniff";
            return TypedResults.File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"reviews-{jobId:N}.csv");
        }).ProducesFile("text/csv").WithSummary("The review decisions as CSV: image, class, score, method, decision, reviewer, decided_at, note.");

        scores.MapPost("/{jobId:guid}/reviews/bulk", async Task<Ok<BulkReviewResult>> (Guid jobId, BulkReviewRequest request, HttpContext http, ReviewService service, CancellationToken ct) =>
            TypedResults.Ok(await service.DecideManyAsync(http.User.UserId(), jobId, request, ct)))
            .ProducesProblem(StatusCodes.Status404NotFound) // an image in the body that this job did not score
            .WithTags("Reviews")
            .WithSummary($"One decision on many images of the queue (Editor): decision Anomaly (confirm), Normal (dismiss) or Skip, with an optional note, " +
                $"for up to {ReviewService.MaxBulkImages} imageIds. All or nothing: an image this job did not score answers 404 and nothing changes. One undo step.");

        scores.MapPost("/{jobId:guid}/reviews/undo", async Task<Ok<UndoReviewResult>> (Guid jobId, HttpContext http, ReviewService service, CancellationToken ct) =>
            TypedResults.Ok(await service.UndoAsync(http.User.UserId(), jobId, ct)))
            .WithTags("Reviews")
            .WithSummary("Undo the caller's latest decision in this queue (a bulk decision as a whole; Editor): each image gets back its earlier decision, " +
                "or none. Repeat to walk further back; an empty undone list means there is nothing left. An image decided again by someone else since keeps that decision (skipped).");

        scores.MapPost("/{jobId:guid}/cleaned-dataset", async Task<Created<CleanedDatasetResponse>> (Guid jobId, CleanedDatasetRequest? request, HttpContext http, CleanedDatasetService service, CancellationToken ct) =>
        {
            var (datasetId, kept, excluded) = await service.CreateAsync(http.User.UserId(), jobId, request?.Name, ct);
            return TypedResults.Created($"/api/datasets/{datasetId}", new CleanedDatasetResponse(datasetId, kept, excluded));
        }).WithSummary("A new dataset without the images confirmed as anomalies in this job (Editor); the source is unchanged.");

        api.MapPost("/reviews", async Task<Ok<ReviewView>> (ReviewRequest request, HttpContext http, ReviewService service, CancellationToken ct) =>
            TypedResults.Ok(await service.DecideAsync(http.User.UserId(), request, ct)))
            .ProducesProblem(StatusCodes.Status404NotFound) // the image or score job named in the body
            .WithTags("Reviews").RequireAuthorization()
            .WithSummary("Record a decision (Anomaly, Normal or Skip) with an optional note on a scored image (Editor); deciding again replaces it.");
    }
}
