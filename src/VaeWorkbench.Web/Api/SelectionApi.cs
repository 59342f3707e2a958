using Microsoft.AspNetCore.Http.HttpResults;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Identity;
using VaeWorkbench.Web.Inspection;
using VaeWorkbench.Web.Scoring;

namespace VaeWorkbench.Web.Api;

/// <summary>Selecting images on the latent map, tagging them, and sending them to a score job's review queue.</summary>
internal static class SelectionApi
{
    public static void MapSelectionApi(this RouteGroupBuilder api)
    {
        api.MapPost("/models/{modelId:guid}/latent-map/region", async Task<Ok<LatentSelection>> (Guid modelId, LatentRegionRequest request, HttpContext http, InspectionService service, CancellationToken ct) =>
            TypedResults.Ok(await service.LatentRegionAsync(http.User.UserId(), modelId, request, ct)))
            .WithTags("Models").RequireAuthorization()
            .WithSummary("The training images drawn inside a rectangle of the model's latent map (bitmap pixels 0-560; projection pca|first), as the page draws it.");

        var tags = api.MapGroup("/datasets/{datasetId:guid}/tags").WithTags("Datasets").RequireAuthorization();

        tags.MapPost("/", async Task<Ok<TagImagesResult>> (Guid datasetId, TagImagesRequest request, HttpContext http, ImageTagService service, CancellationToken ct) =>
            TypedResults.Ok(await service.TagAsync(http.User.UserId(), datasetId, request, ct)))
            .WithSummary("Put a free-text tag on images of the dataset (Editor); each image carries a tag once.");

        tags.MapGet("/", async Task<Ok<List<TagCount>>> (Guid datasetId, HttpContext http, ImageTagService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(http.User.UserId(), datasetId, ct)))
            .WithSummary("The dataset's tags with how many images carry each.");

        tags.MapGet("/{tag}", async Task<Ok<List<TaggedImage>>> (Guid datasetId, string tag, HttpContext http, ImageTagService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ImagesAsync(http.User.UserId(), datasetId, tag, ct)))
            .WithSummary("The images carrying a tag, with who tagged each and when.");

        api.MapPost("/scores/{jobId:guid}/queue", async Task<Ok<QueueForReviewResult>> (Guid jobId, QueueForReviewRequest request, HttpContext http, ReviewQueueService service, CancellationToken ct) =>
            TypedResults.Ok(await service.QueueAsync(http.User.UserId(), jobId, request, ct)))
            .WithTags("Scores").RequireAuthorization()
            .WithSummary("Send images scored by this job to its review queue by hand, whatever their score (Editor).");
    }
}
