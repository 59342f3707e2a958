using VaeWorkbench.Web.Data.Entities;
using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using VaeWorkbench.Web.Api.OpenApi;
using VaeWorkbench.Web.Augmentation;
using VaeWorkbench.Web.Labels;
using VaeWorkbench.Web.Identity;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Api;

internal static class AugmentationApi
{
    public static void MapAugmentationApi(this RouteGroupBuilder api)
    {
        var models = api.MapGroup("/models").WithTags("Augmentation").RequireAuthorization();
        models.MapPost("/{modelId:guid}/generate", async Task<Accepted<GenerateAccepted>> (Guid modelId, GenerateRequest request, HttpContext http, AugmentationService service, CancellationToken ct) =>
        {
            var id = await service.CreateAsync(http.User.UserId(), modelId, request, ct);
            return TypedResults.Accepted($"/api/augmented/{id}", new GenerateAccepted(id));
        }).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
          .WithSummary("Queue a generation (prior | variations | perClass | interpolate) into a new augmented set; it exists at once as Queued.");

        models.MapPost("/{modelId:guid}/generate/preview", async Task<IResult> (Guid modelId, GenerateRequest request, HttpContext http, AugmentationPreview preview, CancellationToken ct) =>
        {
            var result = await preview.PreviewAsync(http.User.UserId(), modelId, request, ct);
            if (result.Kept == 0) throw new RequestRejectedException($"The filter dropped all {result.Generated} preview samples; loosen it.");
            http.Response.Headers["X-Generated"] = result.Generated.ToString(CultureInfo.InvariantCulture);
            http.Response.Headers["X-Kept"] = result.Kept.ToString(CultureInfo.InvariantCulture);
            return TypedResults.File(result.GridPng, "image/png");
        }).ProducesFile("image/png").WithSummary("A PNG grid of the first samples the same request would save (at most Augmentation:PreviewCount).");

        var sets = api.MapGroup("/augmented").WithTags("Augmentation").RequireAuthorization();
        sets.MapGet("/", async Task<Ok<List<AugmentedSummary>>> (Guid? teamId, string? q, string? tag, HttpContext http, AugmentationService service, TeamService teams, CancellationToken ct) =>
        {
            var userId = http.User.UserId();
            var team = teamId ?? (await teams.CurrentTeamAsync(userId, ct))?.Id ?? throw AccessDeniedException.NotFound("Team");
            return TypedResults.Ok(await service.ListAsync(userId, team, ct, q, tag));
        }).WithSummary("Augmented sets of a team (default: the caller's current team), newest first; q searches names and notes, tag filters by an exact tag.");

        sets.MapPatch("/{id:guid}", async Task<Ok<LabelsResponse>> (Guid id, LabelPatch patch, HttpContext http, AugmentationService service, CancellationToken ct) =>
            TypedResults.Ok(await service.UpdateLabelsAsync(http.User.UserId(), id, patch, ct)))
            .WithSummary("Rename, re-tag or annotate a set: {name?, tags?, notes?}; a field left out stays as it is (Editor).");

        sets.MapGet("/{id:guid}", async Task<Ok<AugmentedSummary>> (Guid id, HttpContext http, AugmentationService service, CancellationToken ct) =>
            TypedResults.Ok(await service.GetAsync(http.User.UserId(), id, ct)))
            .WithSummary("A set: status, kept count, per-class counts and provenance.");

        sets.MapDelete("/{id:guid}", async Task<NoContent> (Guid id, HttpContext http, AugmentationService service, CancellationToken ct) =>
        {
            await service.DeleteAsync(http.User.UserId(), id, ct);
            return TypedResults.NoContent();
        }).WithSummary("Delete a set, its rows and the images nothing else uses (Editor).");

        sets.MapPost("/{id:guid}/merge", async Task<Results<Created<MergeResult>, Accepted<MergeResult>>> (Guid id, MergeRequest? request, HttpContext http, AugmentationMerge merge, CancellationToken ct) =>
        {
            var merged = await merge.MergeAsync(http.User.UserId(), id, request?.Name, ct);
            // 202: no node finished the merge within Datasets:ImportWaitSeconds; the dataset is Queued or Importing.
            return merged.Status == DatasetStatus.Ready
                ? TypedResults.Created($"/api/datasets/{merged.Id}", new MergeResult(merged.Id))
                : TypedResults.Accepted($"/api/datasets/{merged.Id}", new MergeResult(merged.Id));
        }).WithSummary("Merge a finished set with its source dataset into a new Ready dataset, usable for training (Editor). The merge runs as an import job: 201 when it finished within the wait, 202 while it is still Queued or Importing.");

        sets.MapGet("/{id:guid}/images", async Task<Ok<AugmentedImagePage>> (Guid id, int? skip, int? take, int? label, HttpContext http, AugmentationService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ImagesAsync(http.User.UserId(), id, skip ?? 0, take ?? 100, label, ct)))
            .WithSummary("A page of a set's images in order, optionally one class (label = index into the dataset's class names).");

        sets.MapGet("/{id:guid}/images/{index:int}.png", async Task<IResult> (Guid id, int index, HttpContext http, AugmentationService service, BlobStore blobs, CancellationToken ct) =>
        {
            var hash = await service.ImageHashAsync(http.User.UserId(), id, index, ct);
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.CacheControl = "private, max-age=86400";
            return TypedResults.Stream(blobs.OpenRead(hash), "image/png");
        }).ProducesFile("image/png").WithSummary("One generated image as PNG.");

        sets.MapGet("/{id:guid}/export", async Task (Guid id, bool? includeOriginals, HttpContext http, AugmentationExport export, CancellationToken ct) =>
        {
            // Checks first, so a refusal is a normal problem response rather than a broken download.
            var plan = await export.PrepareAsync(http.User.UserId(), id, ct);
            http.Response.ContentType = "application/zip";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"augmented-{id:N}.zip\"";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            // ZipArchive writes synchronously (its async API arrives in .NET 10); entries go straight to the body.
            http.Features.Get<IHttpBodyControlFeature>()!.AllowSynchronousIO = true;
            await export.WriteAsync(plan, includeOriginals ?? false, http.Response.Body, ct);
        }).ProducesFile("application/zip").ProducesProblem(StatusCodes.Status404NotFound)
          .WithSummary("Stream the set as a ZIP in ImageFolder layout with manifest.csv and provenance.json; optionally with the source images.");
    }
}
