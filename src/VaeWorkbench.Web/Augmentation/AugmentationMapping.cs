using System.Text.Json;
using VaeWorkbench.Engine.Generation;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Teams;
using VaeWorkbench.Web.Datasets;

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

    /// <summary>
    /// Checks a request against the model and its dataset and returns what to store. Bad input →
    /// <see cref="RequestRejectedException"/>, naming the field. <paramref name="modelClassCount"/> is the model's class
    /// count (0: unconditional): a conditional model also takes classes and a count per class in the prior mode, where
    /// it decodes each class's draws at that class.
    /// </summary>
    public static (GenerationMode Mode, AugmentationParameters Parameters, AugmentationFilterSettings? Filter) Validate(
        GenerateRequest request, Dataset dataset, IReadOnlyList<string> classNames, int referenceLimit, int modelClassCount = 0)
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
                throw new RequestRejectedException($"{ImageNames.Image(outside)} is not in the dataset (it has images 0 to {dataset.ImageCount - 1}).");
            indices = request.ImageIds.Distinct().ToList();
        }
        var conditional = modelClassCount > 0;
        // The modes that draw per class: a conditional model's prior draws are decoded at each class in turn too.
        var takesClasses = mode is GenerationMode.PerClass or GenerationMode.Interpolate || conditional && mode == GenerationMode.Prior;
        if (takesClasses)
        {
            if (classNames.Count == 0) throw new RequestRejectedException($"{ModeName(mode)} needs a dataset with classes; '{dataset.Name}' has none.");
            if (request.Classes is { Count: > 0 })
            {
                var unknown = request.Classes.FirstOrDefault(c => !classNames.Contains(c, StringComparer.Ordinal));
                if (unknown is not null) throw new RequestRejectedException($"'{unknown}' is not a class of '{dataset.Name}'.", "classes");
                labels = request.Classes.Distinct(StringComparer.Ordinal).Select(c => classNames.ToList().IndexOf(c)).Order().ToList();
                if (conditional && labels.FirstOrDefault(l => l >= modelClassCount, -1) is >= 0 and var outside)
                    throw new RequestRejectedException($"'{classNames[outside]}' is not one of the {modelClassCount} classes the model was trained on.", "classes");
            }
        }
        var count = request.Count;
        if (request.CountPerClass is { } perClass)
        {
            if (!takesClasses || mode == GenerationMode.Interpolate)
                throw new RequestRejectedException(conditional
                    ? "countPerClass applies to the prior and perClass modes; variations and interpolations take count."
                    : "countPerClass applies to the perClass mode only (and to the prior mode of a conditional model).", "countPerClass");
            var classCount = labels?.Count ?? (conditional ? Math.Min(modelClassCount, classNames.Count) : classNames.Count);
            if (perClass < 1 || (long)perClass * classCount > GenerationRequest.MaxCount)
                throw new RequestRejectedException($"countPerClass must be between 1 and {GenerationRequest.MaxCount / Math.Max(1, classCount):N0} for {classCount} classes (got {perClass}).", "countPerClass");
            count = perClass * classCount;
        }
        var parameters = new AugmentationParameters(count, request.Temperature ?? 1f, request.Spread ?? 1f, indices,
            labels?.Select(l => classNames[l]).ToList(), labels, request.CountPerClass, conditional);
        AugmentationFilterSettings? filter = null;
        var balance = ParseBalance(request.Filter?.Balance);
        if (request.Filter is { } f && (f.MaxElboPercentile is not null || f.MinDistance is not null))
        {
            var space = (f.Space ?? "pixel").ToLowerInvariant();
            if (space is not ("pixel" or "latent")) throw new RequestRejectedException($"filter.space must be pixel or latent (got '{f.Space}').", "filter.space");
            filter = new AugmentationFilterSettings(f.MaxElboPercentile, f.MinDistance, space, referenceLimit, Balance: BalanceName(balance), MaxAttempts: f.MaxAttempts);
        }
        else if (balance != ClassBalance.None)
        {
            throw new RequestRejectedException("filter.balance needs the filter itself: set filter.maxElboPercentile or filter.minDistance.", "filter.balance");
        }
        if (request.Filter?.MaxAttempts is { } attempts)
        {
            if (balance != ClassBalance.TopUp) throw new RequestRejectedException("filter.maxAttempts applies only with filter.balance topUp.", "filter.maxAttempts");
            if (attempts < count || attempts > BalanceOptions.MaxAttemptsLimit)
                throw new RequestRejectedException($"filter.maxAttempts must be between the count ({count}) and {BalanceOptions.MaxAttemptsLimit} (got {attempts}).", "filter.maxAttempts");
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

    public static readonly IReadOnlyDictionary<string, ClassBalance> Balances = new Dictionary<string, ClassBalance>(StringComparer.OrdinalIgnoreCase)
    {
        ["none"] = ClassBalance.None,
        ["sameShare"] = ClassBalance.SameShare,
        ["topUp"] = ClassBalance.TopUp,
    };

    public static string BalanceName(ClassBalance balance) => Balances.First(b => b.Value == balance).Key;

    private static ClassBalance ParseBalance(string? text) =>
        text is null ? ClassBalance.None
        : Balances.TryGetValue(text, out var balance) ? balance
        : throw new RequestRejectedException($"filter.balance must be one of {string.Join(", ", Balances.Keys)} (got '{text}').", "filter.balance");

    /// <summary>The stored balance of a set's filter (none when it has no filter, or was made before balance existed).</summary>
    public static BalanceOptions Balance(AugmentationFilterSettings? filter) =>
        filter is null ? new BalanceOptions() : new BalanceOptions(Balances.GetValueOrDefault(filter.Balance ?? "none", ClassBalance.None), filter.MaxAttempts);

    /// <summary>The engine's report in the form the set stores and the API shows, with class names.</summary>
    public static FilterOutcome Outcome(FilterReport report, IReadOnlyList<string> classNames)
    {
        var classes = report.Classes.Select(c => new ClassRemoval(AugmentationService.ClassName(classNames, c.Label < 0 ? null : c.Label) ?? "unlabeled",
            c.Target, c.Generated, c.RemovedByFilter, c.RemovedForBalance, c.Kept)).ToList();
        var message = report.BoundHit
            ? $"The top-up stopped at its bound of {report.MaxAttempts} samples drawn with classes still short: " +
              string.Join(", ", classes.Where(c => c.Kept < c.Target).Select(c => $"{c.Class} has {c.Kept} of {c.Target}")) +
              ". Loosen the filter or raise filter.maxAttempts."
            : null;
        return new(BalanceName(report.Balance), report.Attempts, report.MaxAttempts, report.BoundHit, message, classes);
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
