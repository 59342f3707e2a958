using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Scoring;

namespace VaeWorkbench.Web.Components.Pages;

/// <summary>The snackbar sentences for bulk decisions and undo: say what changed, in words.</summary>
public static class ReviewUndoText
{
    public static string Decided(BulkReviewResult result) =>
        $"{Images(result.Decided)} marked {Verdict(result.Decision)}. Ctrl+Z or Undo takes {(result.Decided == 1 ? "it" : "them")} back.";

    public static string Undone(UndoReviewResult result, Func<long, string> imageLabel)
    {
        if (result.Undone.Count == 0 && result.Skipped.Count == 0) return "Nothing to undo: you have made no decision in this queue that is not undone.";
        var parts = new List<string>();
        if (result.Undone.Count == 1)
        {
            var only = result.Undone[0];
            parts.Add($"Undone: {imageLabel(only.ImageId)} marked {Verdict(only.Undone)} is {Restored(only.Restored)} again");
        }
        else if (result.Undone.Count > 1)
        {
            var undone = result.Undone.GroupBy(u => u.Undone).Select(g => $"{Images(g.Count())} marked {Verdict(g.Key)}");
            var restored = result.Undone.All(u => u.Restored is null) ? "undecided" : "back to their earlier decisions";
            parts.Add($"Undone: {string.Join(" and ", undone)}, now {restored}");
        }
        if (result.Skipped.Count > 0)
            parts.Add($"{Images(result.Skipped.Count)} kept {(result.Skipped.Count == 1 ? "its" : "their")} newer decision by another reviewer");
        return string.Join("; ", parts) + ".";
    }

    private static string Restored(ReviewVerdict? restored) => restored is { } r ? $"marked {Verdict(r)}" : "undecided";

    private static string Images(int count) => count == 1 ? "1 image" : $"{count} images";

    private static string Verdict(ReviewVerdict verdict) => verdict switch
    {
        ReviewVerdict.Anomaly => "anomaly",
        ReviewVerdict.Normal => "normal",
        _ => "skipped",
    };
}
