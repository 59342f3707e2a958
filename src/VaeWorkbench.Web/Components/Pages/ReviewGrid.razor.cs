using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Scoring;

namespace VaeWorkbench.Web.Components.Pages;

/// <summary>
/// The review queue as pages of thumbnails: select with click, shift-click and "select all on this page", then confirm or
/// dismiss the selection in one step. The page stores the decisions; this component only selects.
/// </summary>
public partial class ReviewGrid
{
    public const int PageSize = 48;

    private int page = 1;

    [Parameter, EditorRequired] public IReadOnlyList<ScoredImage> Items { get; set; } = [];

    [Parameter, EditorRequired] public Guid DatasetId { get; set; }

    [Parameter] public IReadOnlyDictionary<long, ReviewView> Decisions { get; set; } = new Dictionary<long, ReviewView>();

    [Parameter] public IReadOnlyList<string> ClassNames { get; set; } = [];

    [Parameter] public bool CanEdit { get; set; }

    [Parameter] public bool Busy { get; set; }

    /// <summary>Stores one decision for the selected images (the page calls the bulk service).</summary>
    [Parameter] public EventCallback<(ReviewVerdict Verdict, IReadOnlyList<long> ImageIds)> OnDecide { get; set; }

    /// <summary>Ctrl+Z inside the grid.</summary>
    [Parameter] public EventCallback OnUndo { get; set; }

    public ReviewGridSelection Selection { get; } = new();

    private int PageCount => Math.Max(1, (Items.Count + PageSize - 1) / PageSize);

    private IReadOnlyList<ScoredImage> PageItems => [.. Items.Skip((page - 1) * PageSize).Take(PageSize)];

    private IReadOnlyList<long> PageIds => [.. PageItems.Select(i => i.ImageId)];

    protected override void OnParametersSet()
    {
        page = Math.Clamp(page, 1, PageCount);
        Selection.KeepOnly(Items.Select(i => i.ImageId));
    }

    private void Click(ScoredImage item, MouseEventArgs e) => Selection.Click(PageIds, item.ImageId, e.ShiftKey);

    private void TogglePage() => Selection.TogglePage(PageIds);

    private void Clear() => Selection.Clear();

    private async Task DecideAsync(ReviewVerdict verdict)
    {
        if (Selection.Count == 0 || !CanEdit || Busy) return;
        // Display order, so that the audit trail reads as the grid did.
        var ids = Items.Select(i => i.ImageId).Where(Selection.Contains).ToList();
        await OnDecide.InvokeAsync((verdict, ids));
        // Decided images stay in the "all" view; a new selection starts empty rather than holding them still.
        Selection.Clear();
    }

    private async Task KeyAsync(KeyboardEventArgs e)
    {
        switch (ReviewShortcuts.Find(e, grid: true))
        {
            case { Undo: true }: await OnUndo.InvokeAsync(); break;
            case { Verdict: { } verdict }: await DecideAsync(verdict); break;
        }
    }

    private string Describe(ScoredImage item, ReviewVerdict? decision) =>
        $"Image #{item.Index}{(ClassName(item.Label) is { } c ? $", class {c}" : "")}, score {item.Score:0.###}, {DecisionLabel(decision).ToLowerInvariant()}";

    private string? ClassName(int? label) => label is { } l && l >= 0 && l < ClassNames.Count ? ClassNames[l] : null;

    internal static string DecisionLabel(ReviewVerdict? decision) => decision switch
    {
        ReviewVerdict.Anomaly => "Anomaly",
        ReviewVerdict.Normal => "Normal",
        ReviewVerdict.Skip => "Skipped",
        _ => "Undecided",
    };

    private static string DecisionClass(ReviewVerdict? decision) => $"vwb-decision-{DecisionLabel(decision).ToLowerInvariant()}";
}
