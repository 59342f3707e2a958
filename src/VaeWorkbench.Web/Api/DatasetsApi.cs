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

/// <summary>New class names, one per class in label order (label i gets names[i]).</summary>
public sealed record DatasetClassNamesRequest(IReadOnlyList<string?>? Names);

/// <summary>A dataset's class names in label order.</summary>
public sealed record DatasetClassNames(IReadOnlyList<string> Names);

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
            .WithSummary("Upload a dataset: multipart with name, imageSize (28, 32 or 64), channels (1 or 3), optional teamId, and files (PNG, JPEG, GIF, BMP, PNM or WebP images, ZIPs in ImageFolder layout, IDX image and label files with an optional classes.txt naming the labels, one per line). The import runs as a job on a node that runs jobs; the request waits for it: 201 when it finished, 202 (status Queued or Importing) when Datasets:ImportWaitSeconds passed first.");

        datasets.MapGet("/", async Task<Ok<List<DatasetSummary>>> (Guid? teamId, HttpContext http, TeamService teams, DatasetService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(http.User.UserId(), await TeamOfAsync(http, teams, teamId, ct), ct)))
            .WithSummary("The team's datasets (the current team unless teamId is given), each with its status: Importing, Ready, or Failed (an import that failed on the server; error says why, DELETE removes it). Deleted ones are not listed.");

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
            .WithSummary("Delete a dataset (Editor), or remove a failed import (status Failed). Runs that use it keep working; its files are removed once no run uses it.");

        datasets.MapGet("/{id:guid}/classes", async Task<Ok<DatasetClassNames>> (Guid id, HttpContext http, DatasetService service, CancellationToken ct) =>
            TypedResults.Ok(new DatasetClassNames(await service.ClassNamesAsync(http.User.UserId(), id, ct))))
            .ProducesProblem(StatusCodes.Status404NotFound).WithSummary("The dataset's class names in label order (label i is names[i]).");

        datasets.MapPut("/{id:guid}/classes", async Task<Ok<DatasetClassNames>> (Guid id, DatasetClassNamesRequest request, HttpContext http, DatasetService service, CancellationToken ct) =>
            TypedResults.Ok(new DatasetClassNames(await service.RenameClassesAsync(http.User.UserId(), id, request.Names, ct))))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Rename the classes (Editor): names in label order, as many as the dataset has classes; labels are unchanged.");

        datasets.MapGet("/{id:guid}/images", async Task<Ok<DatasetImagePage>> (Guid id, int? skip, int? take, int? label, string? q, HttpContext http, DatasetService service, CancellationToken ct) =>
            TypedResults.Ok(await service.ImagesAsync(http.User.UserId(), id, skip ?? 0, take ?? 100, label, ct, q)))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A page of the dataset's images in index order; label filters by class index, q by file name (any case) or image number.");

        datasets.MapGet("/{id:guid}/images/{index:int}.png", ImagePngAsync)
            .ProducesFile("image/png").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One normalised image as PNG.");
    }

    private static async Task<Results<Created<DatasetImportResult>, Accepted<DatasetImportResult>, ProblemHttpResult>> UploadAsync(
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
            // 202: no node finished the import within the wait (no worker free, or none running); GET the dataset to follow it.
            return result.Status == Data.Entities.DatasetStatus.Ready
                ? TypedResults.Created($"/api/datasets/{result.Id}", result)
                : TypedResults.Accepted($"/api/datasets/{result.Id}", result);
        }
        catch (DatasetImportFailedException e)
        {
            return TypedResults.Problem(detail: $"{e.Message} The import {e.DatasetId} is kept with status Failed: DELETE /api/datasets/{e.DatasetId} removes it; to retry, upload the files again (uploads are not kept).",
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
