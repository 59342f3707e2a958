using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Components.Pages;

/// <summary>One keyboard shortcut of the review card: the keys (as <c>KeyboardEventArgs.Key</c>, lower case) and what they do.</summary>
public sealed record ReviewShortcut(IReadOnlyList<string> Keys, IReadOnlyList<string> Labels, string Action, ReviewVerdict? Verdict, int Move);

/// <summary>The review card's keys: the page dispatches on this list and the legend shows it, so the two cannot disagree.</summary>
public static class ReviewShortcuts
{
    public static readonly IReadOnlyList<ReviewShortcut> All =
    [
        new(["a"], ["A"], "Mark as anomaly", ReviewVerdict.Anomaly, 0),
        new(["n"], ["N"], "Mark as normal", ReviewVerdict.Normal, 0),
        new(["s"], ["S"], "Skip (decide later)", ReviewVerdict.Skip, 0),
        new(["arrowright", "j"], ["→", "J"], "Next image", null, 1),
        new(["arrowleft", "k"], ["←", "K"], "Previous image", null, -1),
    ];

    public static ReviewShortcut? Find(string key) => All.FirstOrDefault(s => s.Keys.Contains(key.ToLowerInvariant()));
}
