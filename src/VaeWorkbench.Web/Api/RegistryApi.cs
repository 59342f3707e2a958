using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Api.OpenApi;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Identity;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Labels;
using VaeWorkbench.Web.Registry;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Api;

public sealed record RegistryImportForm(IFormFile File, string Name, Guid? TeamId);

/// <summary>
/// The model registry. Models are named per team: every route takes an optional <c>teamId</c> query parameter and
/// defaults to the caller's current team.
/// </summary>
internal static class RegistryApi
{
    public static void MapRegistryApi(this RouteGroupBuilder api)
    {
        var registry = api.MapGroup("/registry").WithTags("Registry").RequireAuthorization();

        registry.MapPost("/", async Task<Created<RegisteredVersionResponse>> (RegisterVersionRequest request, HttpContext http, RegistryService service, CancellationToken ct) =>
        {
            var created = await service.RegisterAsync(http.User.UserId(), request, ct);
            return TypedResults.Created($"/api/registry/{created.Name}/versions/{created.Version}", created);
        }).ProducesProblem(StatusCodes.Status404NotFound) // the run named in the body
          .WithSummary("Register a succeeded run's model as the next version of a named model in the run's team (Editor).");

        registry.MapGet("/", async Task<Ok<List<RegisteredModelSummary>>> (Guid? teamId, string? q, string? tag, HttpContext http, RegistryService service, TeamService teams, CancellationToken ct) =>
            TypedResults.Ok(await service.ListAsync(http.User.UserId(), await TeamOfAsync(http, teams, teamId, ct), q, tag, ct)))
            .WithSummary("Registered models of a team; q searches names, notes and tags, tag filters by an exact tag.");

        registry.MapPost("/import", ImportAsync)
            .Accepts<RegistryImportForm>("multipart/form-data")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Import a .vae file from another installation as the next version of `name` (Editor). The file is validated fully; a bad file gets 400 and nothing is stored.");

        registry.MapGet("/{name}", async Task<Ok<RegisteredModelDetails>> (string name, Guid? teamId, HttpContext http, RegistryService service, TeamService teams, CancellationToken ct) =>
            TypedResults.Ok(await service.GetAsync(http.User.UserId(), await TeamOfAsync(http, teams, teamId, ct), name, ct)))
            .WithSummary("A registered model and its versions (newest first) with tags, aliases, config and metrics.");

        registry.MapPatch("/{name}", async Task<Ok<LabelsResponse>> (string name, LabelPatch patch, Guid? teamId, HttpContext http, RegistryService service, TeamService teams, CancellationToken ct) =>
            TypedResults.Ok(await service.UpdateLabelsAsync(http.User.UserId(), await TeamOfAsync(http, teams, teamId, ct), name, patch, ct)))
            .WithSummary("Rename, re-tag or annotate a registered model: {name?, tags?, notes?}; a field left out stays as it is (Editor). Notes are separate from the card.");

        registry.MapPut("/{name}/aliases/{alias}", async Task<NoContent> (string name, string alias, AliasRequest request, Guid? teamId, HttpContext http, RegistryService service, TeamService teams, CancellationToken ct) =>
        {
            await service.SetAliasAsync(http.User.UserId(), await TeamOfAsync(http, teams, teamId, ct), name, alias, request.Version, ct);
            return TypedResults.NoContent();
        }).WithSummary("Point an alias (production, candidate, …) at a version; one version per alias (Editor).");

        registry.MapGet("/{name}/card", async Task<Ok<ModelCard>> (string name, Guid? teamId, HttpContext http, RegistryService service, TeamService teams, CancellationToken ct) =>
            TypedResults.Ok(new ModelCard(await service.CardAsync(http.User.UserId(), await TeamOfAsync(http, teams, teamId, ct), name, ct))))
            .WithSummary("The model card's Markdown source, as {markdown}.");

        registry.MapGet("/{name}/card.html", async Task<ContentHttpResult> (string name, Guid? teamId, HttpContext http, RegistryService service, TeamService teams, ModelCardRenderer renderer, CancellationToken ct) =>
            TypedResults.Content(renderer.Render(await service.CardAsync(http.User.UserId(), await TeamOfAsync(http, teams, teamId, ct), name, ct)), "text/html; charset=utf-8"))
            .Produces<string>(StatusCodes.Status200OK, "text/html")
            .WithSummary("The model card rendered to sanitised HTML (an HTML fragment): Markdown's own elements only, no script of any kind.");

        registry.MapPut("/{name}/card", async Task<NoContent> (string name, ModelCard request, Guid? teamId, HttpContext http, RegistryService service, TeamService teams, CancellationToken ct) =>
        {
            await service.SetCardAsync(http.User.UserId(), await TeamOfAsync(http, teams, teamId, ct), name, request.Markdown, ct);
            return TypedResults.NoContent();
        }).WithSummary($"Replace the model card with {{markdown}}, at most {RegistryNames.MaxCardBytes / 1024} KiB of UTF-8 (Editor).");

        registry.MapGet("/{name}/versions/{version:int}/download", async Task<FileStreamHttpResult> (string name, int version, Guid? teamId, bool? includeTrainingState, string? format, HttpContext http, RegistryService service, TeamService teams, BlobStore blobs, CancellationToken ct) =>
        {
            var withState = includeTrainingState ?? false;
            var onnx = ModelDownload.IsOnnx(format, withState);
            var team = await TeamOfAsync(http, teams, teamId, ct);
            http.Response.Headers.XContentTypeOptions = "nosniff";
            if (onnx)
            {
                var (zip, zipName) = await service.DownloadOnnxAsync(http.User.UserId(), team, name, version, ct);
                return TypedResults.File(new MemoryStream(zip, writable: false), "application/zip", zipName);
            }
            var (hash, fileName) = await service.DownloadAsync(http.User.UserId(), team, name, version, withState, ct);
            return TypedResults.File(await ModelDownload.OpenAsync(blobs, hash, withState, ct), "application/octet-stream", fileName);
        }).ProducesFile("application/octet-stream").AlsoProducesFile("application/zip")
          .WithSummary("Download a version. format=vae (the default) gives its .vae file (safetensors; config and history in __metadata__): by default the " +
            "inference file (weights and config); includeTrainingState=true gives the stored file with the optimizer state, when it has one. " +
            "format=onnx gives a ZIP of encoder.onnx (image -> mean, log_variance), decoder.onnx (z -> logits, pixels) and README.txt " +
            "(inputs, outputs, shapes, pixel layout, value ranges); opset 17, dynamic batch. Both graphs of a conditional model also take each " +
            "image's class index as a second input. A model the export cannot represent is a 400 naming why.");

        registry.MapGet("/{name}/versions/{version:int}/samples.png", (string name, int version, Guid? teamId, HttpContext http, RegistryService service, TeamService teams, BlobStore blobs, CancellationToken ct) =>
            GridAsync(name, version, teamId, reconstructions: false, http, service, teams, blobs, ct))
            .ProducesFile("image/png")
            .WithSummary("The version's sample grid, made on registration.");

        registry.MapGet("/{name}/versions/{version:int}/reconstructions.png", (string name, int version, Guid? teamId, HttpContext http, RegistryService service, TeamService teams, BlobStore blobs, CancellationToken ct) =>
            GridAsync(name, version, teamId, reconstructions: true, http, service, teams, blobs, ct))
            .ProducesFile("image/png")
            .WithSummary("The version's reconstruction grid (originals above reconstructions); 404 for an imported version.");

        registry.MapPost("/{name}/versions/{version:int}/copy", async Task<Created<RegisteredVersionResponse>> (string name, int version, CopyVersionRequest request, Guid? teamId, HttpContext http, RegistryService service, TeamService teams, CancellationToken ct) =>
        {
            var created = await service.CopyAsync(http.User.UserId(), await TeamOfAsync(http, teams, teamId, ct), name, version, request, ct);
            return TypedResults.Created($"/api/registry/{created.Name}/versions/{created.Version}?teamId={request.TargetTeamId}", created);
        }).WithSummary("Copy (or with move=true, move) a version to another team; needs Owner or Editor in both teams.");

        registry.MapDelete("/{name}/versions/{version:int}", async Task<NoContent> (string name, int version, Guid? teamId, HttpContext http, RegistryService service, TeamService teams, CancellationToken ct) =>
        {
            await service.DeleteVersionAsync(http.User.UserId(), await TeamOfAsync(http, teams, teamId, ct), name, version, ct);
            return TypedResults.NoContent();
        }).WithSummary("Delete a version and its aliases (Owner).");
    }

    private static async Task<Created<RegisteredVersionResponse>> ImportAsync(
        HttpRequest request, TeamService teams, RegistryService service, BlobStore blobs, IOptions<RegistryOptions> options,
        UploadSlots slots, CancellationToken ct)
    {
        var http = request.HttpContext;
        using var slot = slots.Acquire(http.User.UserId());
        var limits = new DatasetOptions { MaxUploadBytes = options.Value.MaxImportBytes, MaxFilesPerUpload = 1 };
        using var upload = await MultipartUpload.ReadAsync(request, blobs, limits, maxImageBytes: null, ct);
        if (upload.Files.Count != 1) throw new RequestRejectedException("Send exactly one file part named 'file' holding the .vae model.");
        Guid? teamId = upload.Fields.TryGetValue("teamId", out var team) && team.Length > 0
            ? Guid.TryParse(team, out var parsed) ? parsed : throw new RequestRejectedException("teamId is not a valid id.")
            : null;
        var bytes = await File.ReadAllBytesAsync(upload.Files[0].TempPath, ct);
        var created = await service.ImportAsync(http.User.UserId(), await TeamOfAsync(http, teams, teamId, ct), upload.Fields.GetValueOrDefault("name"), bytes, ct);
        return TypedResults.Created($"/api/registry/{created.Name}/versions/{created.Version}", created);
    }

    private static async Task<IResult> GridAsync(string name, int version, Guid? teamId, bool reconstructions, HttpContext http, RegistryService service, TeamService teams, BlobStore blobs, CancellationToken ct)
    {
        var hash = await service.GridAsync(http.User.UserId(), await TeamOfAsync(http, teams, teamId, ct), name, version, reconstructions, ct)
            ?? throw AccessDeniedException.NotFound("A reconstruction grid (an imported version has none)");
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, max-age=86400";
        return TypedResults.Stream(blobs.OpenRead(hash), "image/png");
    }

    /// <summary>The team a request acts in: the one given, else the caller's current team. Membership is checked by the service.</summary>
    internal static async Task<Guid> TeamOfAsync(HttpContext http, TeamService teams, Guid? teamId, CancellationToken ct) =>
        teamId ?? (await teams.CurrentTeamAsync(http.User.UserId(), ct))?.Id
        ?? throw new RequestRejectedException("You are not in any team; create or join one first.");
}
