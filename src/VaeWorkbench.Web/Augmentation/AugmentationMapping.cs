using System.Text.Json;
using VaeWorkbench.Engine.Generation;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Augmentation;

/// <summary>Between API requests, the stored set row and the engine's generation request; one place checks the input.</summary>
public static class AugmentationMapping
{
    public static readonly IReadOnlyDictionary<string, GenerationMode> Modes = new Dictionary<string, GenerationMode>(StringComparer.OrdinalIgnoreCase)
    {
        ["prior"] = GenerationMode.Prior,
        ["variations"] = GenerationMode.Variations,
        ["perClass"] = GenerationMode.PerClass,
        ["interpolate"] = GenerationMode.Interpolate,
    };

    public static string ModeName(GenerationMode mode) => Modes.First(m => m.Value == mode).Key;

    /// <summary>Checks a request against the model's dataset and returns what to store. Bad input → <see cref="RequestRejectedException"/>.</summary>
    public static (GenerationMode Mode, AugmentationParameters Parameters, AugmentationFilterSettings? Filter) Validate(
        GenerateRequest request, Dataset dataset, IReadOnlyList<string> classNames, int referenceLimit)
    {
        if (!Modes.TryGetValue(request.Mode ?? "prior", out var mode))
            throw new RequestRejectedException($"mode must be one of {string.Join(", ", Modes.Keys)} (got '{request.Mode}').");
        List<int>? indices = null;
        List<int>? labels = null;
        if (mode == GenerationMode.Variations)
        {
            if (request.ImageIds is not { Count: > 0 }) throw new RequestRejectedException("Variations need imageIds: the source dataset's image indices to vary.");
            if (request.ImageIds.Count > 10_000) throw new RequestRejectedException("Choose at most 10000 source images.");
            var outside = request.ImageIds.FirstOrDefault(i => i < 0 || i >= dataset.ImageCount, -1);
            if (request.ImageIds.Any(i => i < 0 || i >= dataset.ImageCount))
                throw new RequestRejectedException($"Image {outside} is not in the dataset (it has images 0 to {dataset.ImageCount - 1}).");
            indices = request.ImageIds.Distinct().ToList();
        }
        if (mode is GenerationMode.PerClass or GenerationMode.Interpolate)
        {
            if (classNames.Count == 0) throw new RequestRejectedException($"{ModeName(mode)} needs a dataset with classes; '{dataset.Name}' has none.");
            if (request.Classes is { Count: > 0 })
            {
                var unknown = request.Classes.FirstOrDefault(c => !classNames.Contains(c, StringComparer.Ordinal));
                if (unknown is not null) throw new RequestRejectedException($"'{unknown}' is not a class of '{dataset.Name}'.");
                labels = request.Classes.Distinct(StringComparer.Ordinal).Select(c => classNames.ToList().IndexOf(c)).Order().ToList();
            }
        }
        var parameters = new AugmentationParameters(request.Count, request.Temperature ?? 1f, request.Spread ?? 1f, indices,
            labels?.Select(l => classNames[l]).ToList(), labels);
        AugmentationFilterSettings? filter = null;
        if (request.Filter is { } f && (f.MaxElboPercentile is not null || f.MinDistance is not null))
        {
            var space = (f.Space ?? "pixel").ToLowerInvariant();
            if (space is not ("pixel" or "latent")) throw new RequestRejectedException($"filter.space must be pixel or latent (got '{f.Space}').");
            filter = new AugmentationFilterSettings(f.MaxElboPercentile, f.MinDistance, space, referenceLimit);
        }
        try
        {
            var (engineRequest, engineFilter) = ToEngine(mode, parameters, filter, 0);
            engineRequest.Validate();
            engineFilter?.Validate();
        }
        catch (ArgumentException e)
        {
            throw new RequestRejectedException(e.Message);
        }
        return (mode, parameters, filter);
    }

    public static (GenerationRequest Request, GenerationFilter? Filter) ToEngine(GenerationMode mode, AugmentationParameters p, AugmentationFilterSettings? f, long seed) =>
        (new GenerationRequest
        {
            Mode = mode, Count = p.Count, Temperature = p.Temperature, Spread = p.Spread, Seed = (ulong)seed,
            ImageIndices = p.ImageIndices, Classes = p.ClassLabels,
        },
        f is null ? null : new GenerationFilter
        {
            MaxElboPercentile = f.MaxElboPercentile, MinDuplicateDistance = f.MinDistance,
            DuplicateSpace = f.Space == "latent" ? DuplicateSpace.Latent : DuplicateSpace.Pixel, ReferenceLimit = f.ReferenceLimit,
        });

    public static (GenerationRequest Request, GenerationFilter? Filter) ToEngine(AugmentedSet set) =>
        ToEngine(Modes[set.Mode], Parameters(set), Filter(set), set.Seed);

    public static AugmentationParameters Parameters(AugmentedSet set) => JsonSerializer.Deserialize<AugmentationParameters>(set.ParametersJson, RunService.Json)!;

    public static AugmentationFilterSettings? Filter(AugmentedSet set) => JsonSerializer.Deserialize<AugmentationFilterSettings?>(set.FilterJson, RunService.Json);
}
