using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Api.OpenApi;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Identity;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Api;

public sealed record DatasetRenameRequest(string? Name);

/// <summary>The multipart form of <c>POST /api/datasets</c>, for the OpenAPI document; the endpoint streams the body itself.</summary>
public sealed record DatasetUploadForm(string Name, int ImageSize, int Channels, IFormFileCollection Files, Guid? TeamId);

internal static class DatasetsApi
{
    public static void MapDatasetsApi(this RouteGroupBuilder api)
    {
        var datasets = api.MapGroup("/datasets").WithTags("Datasets").RequireAuthorization();

        datasets.MapPost("/", UploadAsync)
            .Accepts<DatasetUploadForm>("multipart/form-data")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status500InternalServerError).ProducesProblem(StatusCodes.Status507InsufficientStorage)
            .WithSummary("Upload a dataset: multipart with name, imageSize (28, 32 or 64), channels (1 or 3), optional teamId, and files (images, ZIPs in ImageFolder layout, IDX image and label files).");

        datasets.MapGet("/", async Task<Ok<List<DatasetSummary>>> (Guid? teamId, HttpContext http, TeamService teams, DatasetService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(http.User.UserId(), await TeamOfAsync(http, teams, teamId, ct), ct)))
            .WithSummary("The team's datasets (the current team unless teamId is given); deleted ones are not listed.");

        datasets.MapGet("/{id:guid}", async Task<Ok<DatasetSummary>> (Guid id, HttpContext http, DatasetService service, CancellationToken ct) =>
            TypedResults.Ok(await service.GetAsync(http.User.UserId(), id, ct)))
            .ProducesProblem(StatusCodes.Status404NotFound).WithSummary("A dataset: status, image count, classes and import report.");

        datasets.MapMethods("/{id:guid}", [HttpMethods.Put, HttpMethods.Patch], async Task<NoContent> (Guid id, DatasetRenameRequest request, HttpContext http, DatasetService service, CancellationToken ct) =>
        {
            await service.RenameAsync(http.User.UserId(), id, request.Name ?? "", ct);
            return TypedResults.NoContent();
        }).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status403Forbidden).WithSummary("Rename a dataset (Editor).");

        datasets.MapDelete("/{id:guid}", async Task<NoContent> (Guid id, HttpContext http, DatasetService service, CancellationToken ct) =>
        {
            await service.DeleteAsync(http.User.UserId(), id, ct);
            return TypedResults.NoContent();
        }).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Delete a dataset (Editor). Runs that use it keep working; its files are removed once no run uses it.");

        datasets.MapGet("/{id:guid}/images", async Task<Ok<DatasetImagePage>> (Guid id, int? skip, int? take, int? label, HttpContext http, DatasetService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ImagesAsync(http.User.UserId(), id, skip ?? 0, take ?? 100, label, ct)))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A page of the dataset's images in index order; label filters by class index.");

        datasets.MapGet("/{id:guid}/images/{index:int}.png", ImagePngAsync)
            .ProducesFile("image/png").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One normalised image as PNG.");
    }

    private static async Task<Results<Created<DatasetImportResult>, ProblemHttpResult>> UploadAsync(
        HttpRequest request, TeamService teams, DatasetImportService importer, BlobStore blobs, IOptions<DatasetOptions> options,
        UploadSlots slots, CancellationToken ct)
    {
        var http = request.HttpContext;
        using var slot = slots.Acquire(http.User.UserId());
        using var upload = await MultipartUpload.ReadAsync(request, blobs, options.Value, VaeWorkbench.Imaging.DecodeLimits.Default.MaxFileBytes, ct);
        Guid? teamId = upload.Fields.TryGetValue("teamId", out var team) && team.Length > 0
            ? Guid.TryParse(team, out var parsed) ? parsed : throw new RequestRejectedException("teamId is not a valid id.")
            : null;
        var newDataset = new NewDatasetRequest(
            upload.Fields.GetValueOrDefault("name") ?? "",
            IntField(upload, "imageSize"),
            IntField(upload, "channels"),
            upload.Files);
        try
        {
            var result = await importer.ImportAsync(http.User.UserId(), await TeamOfAsync(http, teams, teamId, ct), newDataset, ct);
            return TypedResults.Created($"/api/datasets/{result.Id}", result);
        }
        catch (DatasetImportFailedException e)
        {
            return TypedResults.Problem(detail: $"{e.Message} The dataset {e.DatasetId} is kept as Failed; delete it when done.",
                statusCode: e.DiskFull ? StatusCodes.Status507InsufficientStorage : StatusCodes.Status500InternalServerError, title: "Import failed");
        }
    }

    private static async Task<IResult> ImagePngAsync(Guid id, int index, HttpContext http, DatasetService service, BlobStore blobs, CancellationToken ct)
    {
        var (image, hash) = await service.ImageWithHashAsync(http.User.UserId(), id, index, ct);
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, max-age=86400";
        // The stored bytes are always our own PNG encoding; the original name only suggests what to call the download.
        http.Response.Headers.ContentDisposition = DownloadNames.ContentDisposition(
            "inline", image.OriginalName, ".png", $"{id:N}-{index.ToString(CultureInfo.InvariantCulture)}");
        return TypedResults.Stream(blobs.OpenRead(hash), "image/png");
    }

    private static int IntField(MultipartUpload upload, string name)
    {
        if (!upload.Fields.TryGetValue(name, out var text))
            throw new RequestRejectedException($"The form field '{name}' is missing.");
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new RequestRejectedException($"The form field '{name}' must be a whole number, not '{text}'.");
    }

    /// <summary>The team a request acts in: the one given, else the caller's current team. Membership is checked by the service.</summary>
    private static async Task<Guid> TeamOfAsync(HttpContext http, TeamService teams, Guid? teamId, CancellationToken ct) =>
        teamId ?? (await teams.CurrentTeamAsync(http.User.UserId(), ct))?.Id
        ?? throw new RequestRejectedException("You are not in any team; create or join one first.");
}
