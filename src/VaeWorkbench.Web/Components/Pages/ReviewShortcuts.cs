using Microsoft.AspNetCore.Components.Web;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Components.Pages;

/// <summary>Where a review shortcut works: on the one-at-a-time card, in the grid, or in both modes.</summary>
public enum ReviewShortcutMode { Both, Card, Grid }

/// <summary>
/// One keyboard shortcut of the review page: the keys (as <c>KeyboardEventArgs.Key</c>, lower case, "ctrl+" in front when
/// Ctrl or ⌘ is held) and what they do.
/// </summary>
public sealed record ReviewShortcut(IReadOnlyList<string> Keys, IReadOnlyList<string> Labels, string Action, ReviewVerdict? Verdict, int Move,
    ReviewShortcutMode Mode = ReviewShortcutMode.Card, bool Undo = false);

/// <summary>The review page's keys: the page and the grid dispatch on this list and the legend shows it, so they cannot disagree.</summary>
public static class ReviewShortcuts
{
    public static readonly IReadOnlyList<ReviewShortcut> All =
    [
        new(["a"], ["A"], "Mark as anomaly", ReviewVerdict.Anomaly, 0),
        new(["n"], ["N"], "Mark as normal", ReviewVerdict.Normal, 0),
        new(["s"], ["S"], "Skip (decide later)", ReviewVerdict.Skip, 0),
        new(["arrowright", "j"], ["→", "J"], "Next image", null, 1),
        new(["arrowleft", "k"], ["←", "K"], "Previous image", null, -1),
        new(["a"], ["A"], "Confirm the selected images as anomalies", ReviewVerdict.Anomaly, 0, ReviewShortcutMode.Grid),
        new(["n"], ["N"], "Dismiss the selected images as normal", ReviewVerdict.Normal, 0, ReviewShortcutMode.Grid),
        new(["ctrl+z"], ["Ctrl+Z"], "Undo your last decision (a bulk one as a whole)", null, 0, ReviewShortcutMode.Both, Undo: true),
    ];

    /// <summary>The shortcuts the legend lists in one mode.</summary>
    public static IEnumerable<ReviewShortcut> For(bool grid) =>
        All.Where(s => s.Mode == ReviewShortcutMode.Both || s.Mode == (grid ? ReviewShortcutMode.Grid : ReviewShortcutMode.Card));

    public static ReviewShortcut? Find(string key) => Find(key, ctrl: false, grid: false);

    public static ReviewShortcut? Find(KeyboardEventArgs e, bool grid) => Find(e.Key, e.CtrlKey || e.MetaKey, grid);

    public static ReviewShortcut? Find(string key, bool ctrl, bool grid)
    {
        var name = (ctrl ? "ctrl+" : "") + key.ToLowerInvariant();
        return For(grid).FirstOrDefault(s => s.Keys.Contains(name));
    }
}
