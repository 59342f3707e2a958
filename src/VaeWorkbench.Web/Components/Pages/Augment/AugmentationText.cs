using System.Globalization;
using System.Text.Json;
using MudBlazor;
using VaeWorkbench.Web.Augmentation;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Datasets;

namespace VaeWorkbench.Web.Components.Pages.Augment;

/// <summary>
/// Augmented sets in words for the pages: the stored mode names, parameters and filter are API/JSON shapes, which the
/// pages never show as they are.
/// </summary>
public static class AugmentationText
{
    /// <summary>The generation modes in the order the form offers them, with the names people read.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> Modes =
    [
        ("prior", "From the prior"),
        ("variations", "Variations of chosen images"),
        ("perClass", "Per class"),
        ("interpolate", "Interpolations within a class"),
    ];

    /// <summary>What a set of this mode holds, for headings: "Prior samples", "Interpolations"…</summary>
    public static string ModeNoun(string mode) => mode switch
    {
        "variations" => "Variations",
        "perClass" => "Per-class samples",
        "interpolate" => "Interpolations",
        _ => "Prior samples",
    };

    public static string ModeLabel(string mode) =>
        Modes.FirstOrDefault(m => string.Equals(m.Value, mode, StringComparison.OrdinalIgnoreCase)).Label ?? mode;

    public static Color StatusColor(AugmentedStatus status) => status switch
    {
        AugmentedStatus.Succeeded => Color.Success,
        AugmentedStatus.Failed => Color.Error,
        AugmentedStatus.Running => Color.Info,
        _ => Color.Default,
    };

    /// <summary>"180 kept of 200 generated", with the number asked for while the job is under way or when it stopped short.</summary>
    public static string Counts(AugmentedProvenance p) =>
        $"{p.Kept} kept of {p.Generated} generated" + (p.Generated == p.Requested ? "" : $" ({p.Requested} requested)");

    /// <summary>How the samples were drawn, e.g. "600 samples shared evenly among classes T-shirt, Trouser and Bag, each labelled with its class, at temperature 0.8".</summary>
    public static string Parameters(AugmentedProvenance p)
    {
        var parameters = p.Parameters.ValueKind == JsonValueKind.Object ? p.Parameters.Deserialize<AugmentationParameters>(RunService.Json) : null;
        if (parameters is null) return $"{p.Requested} samples";
        var temperature = parameters.Temperature.ToString("0.##", CultureInfo.CurrentCulture);
        var classes = parameters.Classes is { Count: > 0 } c ? $"classes {List(c, 6)}" : "all the dataset's classes";
        var perClass = parameters.CountPerClass is { } n ? $" ({n:N0} per class)" : "";
        // A conditional model decoded every sample at its class (variations: at its source image's class).
        var atClass = parameters.Conditional ? " and decoded at it" : "";
        return p.Mode switch
        {
            "variations" => $"{parameters.Count} variations of {Plural(parameters.ImageIndices?.Count ?? 0, "source image")} "
                + $"({List(parameters.ImageIndices?.Select(ImageNames.Id).ToList() ?? [], 8)}) with spread {parameters.Spread.ToString("0.##", CultureInfo.CurrentCulture)}"
                + (parameters.Conditional ? ", each at its source image's class" : ""),
            "perClass" => $"{parameters.Count} samples shared evenly among {classes}{perClass}, each labelled with its class{atClass}, at temperature {temperature}",
            "interpolate" => $"{parameters.Count} interpolations between same-class pairs from {classes}{(parameters.Conditional ? ", each decoded at its class" : "")}",
            _ when parameters.Conditional => $"{parameters.Count} samples from the prior at temperature {temperature}, decoded at "
                + (parameters.Classes is { Count: > 0 } chosen ? $"classes {List(chosen, 6)}" : "every class") + $" in turn{perClass}, each labelled with its class",
            _ => $"{parameters.Count} samples from the prior at temperature {temperature}",
        };
    }

    /// <summary>The quality filter in a sentence, or that there was none.</summary>
    public static string Filter(AugmentedProvenance p)
    {
        var filter = p.Filter.ValueKind == JsonValueKind.Object ? p.Filter.Deserialize<AugmentationFilterSettings>(RunService.Json) : null;
        if (filter is null) return "No quality filter: every generated sample was kept.";
        var parts = new List<string>();
        if (filter.MaxElboPercentile is { } percentile)
        {
            var ceiling = filter.ElboThreshold is { } t ? $" (−ELBO at most {t.ToString("N1", CultureInfo.CurrentCulture)})" : "";
            parts.Add($"samples scoring worse than {percentile.ToString("0.##", CultureInfo.CurrentCulture)} % of the training images{ceiling}");
        }
        if (filter.MinDistance is { } distance)
            parts.Add($"near-duplicates closer than {distance.ToString("0.##", CultureInfo.CurrentCulture)} to a training image in {filter.Space} space");
        return $"Quality filter: dropped {string.Join(" and ", parts)}.";
    }

    /// <summary>The class-balance choices of the generate form, as the API names them (filter.balance).</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> Balances =
    [
        ("none", "None"),
        ("sameShare", "Drop the same share per class"),
        ("topUp", "Top each class up to target"),
    ];

    /// <summary>How the set kept its classes' balance, with the samples drawn, in a sentence.</summary>
    public static string BalanceSummary(FilterOutcome report)
    {
        var removed = report.Classes.Sum(c => c.RemovedByFilter + c.RemovedForBalance);
        var kept = report.Classes.Sum(c => c.Kept);
        var how = report.Balance switch
        {
            "sameShare" => "The same share was dropped in each class",
            "topUp" => $"Each class was topped up to its target ({report.Attempts:N0} samples drawn{(report.MaxAttempts is { } m ? $", at most {m:N0}" : "")})",
            _ => "Classes were not balanced",
        };
        return $"{how}: {Plural(removed, "sample")} removed, {kept:N0} kept.";
    }

    /// <summary>The whole provenance as one sentence, e.g. "Generated from fashion v2: 200 samples from the prior at temperature 1, seed 42."</summary>
    public static string Summary(AugmentedProvenance p, string modelName) =>
        $"Generated from {modelName}: {Parameters(p)}, seed {p.Seed}.";

    private static string List(IReadOnlyList<string> items, int max) =>
        string.Join(", ", items.Take(max)) + (items.Count > max ? $" and {items.Count - max} more" : "");

    private static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
