using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Generation;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Transforms;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Augmentation;

/// <summary>A preview grid and what it shows: the first samples of the set the same request and seed would save.</summary>
public sealed record AugmentationPreviewResult(byte[] GridPng, int Generated, int Kept, long Seed, List<string?> Labels);

/// <summary>
/// Generates the first few samples of a request at once, on the shared model cache. Generation is deterministic and
/// chunked, so these are exactly the first images the saved set will hold (the filter included).
/// </summary>
public sealed class AugmentationPreview(AppDbContext db, TeamAccess access, ModelCache models, BlobStore blobs,
    IOptions<AugmentationOptions> options, DatasetMemoryOptions memory)
{
    public async Task<AugmentationPreviewResult> PreviewAsync(string userId, Guid modelId, GenerateRequest request, CancellationToken ct = default)
    {
        var model = await db.TrainedModels.AsNoTracking().FirstOrDefaultAsync(m => m.Id == modelId, ct) ?? throw AccessDeniedException.NotFound("Model");
        await access.RequireAsync(userId, model.TeamId, TeamRole.Editor, "Model", ct);
        var dataset = await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == model.DatasetId, ct);
        var classNames = DatasetMapping.ClassNames(dataset);
        var (mode, parameters, filter) = AugmentationMapping.Validate(request, dataset, classNames, options.Value.FilterReferenceLimit, ModelClasses.Count(model));
        var seed = request.Seed ?? 1;
        var shown = Math.Min(parameters.Count, Math.Min(options.Value.PreviewCount, Generator.ChunkSize));
        var (engineRequest, engineFilter) = AugmentationMapping.ToEngine(mode, parameters with { Count = shown }, filter, seed);
        using var sources = new SourceScope();
        IImageSource? data = null;
        if (mode != GenerationMode.Prior || engineFilter is not null)
        {
            if (dataset.TensorHash is null) throw new RequestRejectedException($"Dataset '{dataset.Name}' has no stored images.");
            data = sources.Add(await Task.Run(() => DatasetTensorLoader.Open(blobs, dataset, memory.Current), ct));
        }
        return await models.UseAsync(model.FileHash, loaded =>
        {
            try
            {
                var chunk = Generator.Generate(loaded.Model, data, engineRequest, engineFilter, ct).Single();
                var c = loaded.Model.Config;
                var grid = chunk.Kept == 0 ? [] : PngEncoder.Encode(ImageGrid.Compose(chunk.Pixels, chunk.Kept, c.Channels, c.Height, c.Width, Math.Min(16, chunk.Kept)));
                return new AugmentationPreviewResult(grid, chunk.Generated, chunk.Kept, seed,
                    chunk.Labels.Select(l => AugmentationService.ClassName(classNames, l)).ToList());
            }
            catch (ArgumentException e)
            {
                throw new RequestRejectedException(e.Message);
            }
        }, ct);
    }
}
