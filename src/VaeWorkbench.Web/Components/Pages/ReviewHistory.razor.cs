using Microsoft.AspNetCore.Components;
using MudBlazor;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Scoring;

namespace VaeWorkbench.Web.Components.Pages;

/// <summary>A score job's decisions, a page at a time: the database sorts, filters and counts (see <see cref="ReviewService.HistoryAsync"/>).</summary>
public partial class ReviewHistory
{
    private MudDataGrid<ReviewHistoryItem>? grid;
    private ReviewVerdict? decision;
    private string? search;
    private Guid loadedJob;

    [Parameter, EditorRequired] public Guid JobId { get; set; }

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        // The grid loads its first page itself; another job later needs a reload.
        if (loadedJob != Guid.Empty && loadedJob != JobId) await ReloadAsync();
    }

    /// <summary>Shows the current page again, e.g. after a decision.</summary>
    public Task ReloadAsync() => grid?.ReloadServerData() ?? Task.CompletedTask;

    private async Task<GridData<ReviewHistoryItem>> LoadAsync(GridState<ReviewHistoryItem> state, CancellationToken ct)
    {
        loadedJob = JobId;
        var sort = state.SortDefinitions.FirstOrDefault();
        var query = new ReviewHistoryQuery(state.Page * state.PageSize, state.PageSize, SortKey(sort?.SortBy), sort?.Descending ?? true, decision, search);
        var page = await Run.RunAsync<ReviewService, ReviewHistoryPage>(s => s.HistoryAsync(Workspace.UserId, JobId, query, ct));
        return new GridData<ReviewHistoryItem> { Items = page.Items, TotalItems = page.Total };
    }

    /// <summary>The grid names a column by its property; the query layer by a short key.</summary>
    public static string? SortKey(string? column) => column switch
    {
        null => null,
        nameof(ReviewHistoryItem.Index) => "image",
        nameof(ReviewHistoryItem.Score) => "score",
        nameof(ReviewHistoryItem.Decision) => "decision",
        nameof(ReviewHistoryItem.Reviewer) => "reviewer",
        _ => "decided",
    };

    private static Color VerdictColor(ReviewVerdict verdict) => verdict switch
    {
        ReviewVerdict.Anomaly => Color.Error,
        ReviewVerdict.Normal => Color.Success,
        _ => Color.Default,
    };

    private async Task DecisionChangedAsync(ReviewVerdict? value)
    {
        decision = value;
        await ReloadAsync();
    }

    private async Task SearchChangedAsync(string? value)
    {
        search = value;
        await ReloadAsync();
    }
}
