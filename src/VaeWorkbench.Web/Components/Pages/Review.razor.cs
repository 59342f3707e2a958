using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Inspection;
using VaeWorkbench.Web.Scoring;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Pages;

/// <summary>
/// The review queue: a score job's flagged images, worst first, one card at a time with original, reconstruction and
/// error heat map, decided with the keyboard. Decisions are the team's (stored through <see cref="ReviewService"/>).
/// </summary>
public partial class Review
{
    private static readonly IReadOnlyList<(string Value, string Label)> Filters =
        [("undecided", "Undecided"), ("anomaly", "Anomaly"), ("normal", "Normal"), ("skip", "Skipped"), ("all", "All in the queue")];

    private ReviewHistory? history;
    private List<ScoreJobSummary> jobs = [];
    private ScoreJobResult? job;
    private Dictionary<long, ReviewView> decisions = [];
    private List<ScoredImage> visible = [];
    private int position;
    private ScoredImage? current;
    private ReviewPictures? pictures;
    private string filter = "undecided";
    private int? classFilter;
    private string? note;
    private string? error;
    private bool canEdit;
    private ElementReference card;
    private bool focusCard;
    private Guid? cleanedDatasetId;
    private bool gridMode;
    private bool busy;

    [SupplyParameterFromQuery(Name = "job")] public Guid? JobId { get; set; }

    /// <summary>"grid" opens the page in grid mode (a link can say how to review).</summary>
    [SupplyParameterFromQuery(Name = "mode")] public string? Mode { get; set; }

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    [Inject] public ISnackbar Snackbar { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        if (Workspace.CurrentTeam is not { } team) return;
        canEdit = Workspace.CanEdit;
        gridMode = Mode == "grid";
        jobs = [.. (await Run.RunAsync<ScoringService, List<ScoreJobSummary>>(s => s.ListForTeamAsync(Workspace.UserId, team.Id))).Where(j => j.Status == ScoreJobStatus.Succeeded)];
        var id = JobId is { } requested ? requested : jobs.FirstOrDefault()?.Id;
        if (id is { } jobId) await LoadAsync(jobId);
    }

    private async Task LoadAsync(Guid jobId)
    {
        try
        {
            job = await Run.RunAsync<ScoringService, ScoreJobResult>(s => s.GetAsync(Workspace.UserId, jobId));
            decisions = (await Run.RunAsync<ReviewService, List<ReviewView>>(s => s.ListAsync(Workspace.UserId, jobId))).ToDictionary(d => d.ImageId);
            // A job shared by a link may belong to the current team but not be in the list yet (or be another team's: NotFound above).
            if (jobs.All(j => j.Id != jobId)) jobs.Insert(0, new ScoreJobSummary(job.Id, job.ModelId, job.DatasetId, "", job.Method, job.K, job.Status, job.Progress, job.Error, job.Auroc, job.AveragePrecision, DateTimeOffset.UtcNow));
            position = 0;
            await RefilterAsync();
        }
        catch (AccessDeniedException e)
        {
            error = e.Message;
        }
    }

    private async Task RefilterAsync()
    {
        if (job is null) return;
        visible = [.. job.Items.Where(i => i.ForReview)
            .Where(i => classFilter is null || i.Label == classFilter)
            .Where(i => filter switch
            {
                "undecided" => !decisions.ContainsKey(i.ImageId),
                "anomaly" => decisions.GetValueOrDefault(i.ImageId)?.Decision == ReviewVerdict.Anomaly,
                "normal" => decisions.GetValueOrDefault(i.ImageId)?.Decision == ReviewVerdict.Normal,
                "skip" => decisions.GetValueOrDefault(i.ImageId)?.Decision == ReviewVerdict.Skip,
                _ => true,
            })
            .OrderByDescending(i => i.Score)];
        position = Math.Clamp(position, 0, Math.Max(0, visible.Count - 1));
        await ShowAsync();
    }

    private async Task ShowAsync()
    {
        current = visible.Count == 0 ? null : visible[position];
        pictures = null;
        // The grid shows stored thumbnails only; the card's reconstruction and heat map are drawn when the card is shown.
        if (current is null || job is null || gridMode) return;
        try
        {
            var index = current.Index;
            pictures = await Run.RunAsync<InspectionService, ReviewPictures>(s => s.ReviewPicturesAsync(Workspace.UserId, job.Id, index));
        }
        catch (Exception e) when (e is RequestRejectedException or AccessDeniedException)
        {
            Snackbar.Add($"No reconstruction for image #{current.Index}: {e.Message}", Severity.Warning);
        }
        focusCard = true;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!focusCard) return;
        focusCard = false;
        try
        {
            await card.FocusAsync();
        }
        catch (InvalidOperationException)
        {
            // Prerendering or a card that is not on screen yet; the user can click it.
        }
    }

    private async Task KeyAsync(KeyboardEventArgs e)
    {
        switch (ReviewShortcuts.Find(e, grid: false))
        {
            case { Undo: true }: await UndoAsync(); break;
            case { Verdict: { } verdict }: await DecideAsync(verdict); break;
            case { Move: var move and not 0 }: await MoveAsync(move); break;
        }
    }

    private async Task MoveAsync(int delta)
    {
        if (visible.Count == 0) return;
        position = Math.Clamp(position + delta, 0, visible.Count - 1);
        await ShowAsync();
    }

    private async Task DecideAsync(ReviewVerdict verdict)
    {
        if (job is null || current is null || !canEdit) return;
        try
        {
            var request = new ReviewRequest(current.ImageId, job.Id, verdict.ToString(), note);
            var stored = await Run.RunAsync<ReviewService, ReviewView>(s => s.DecideAsync(Workspace.UserId, request));
            decisions[stored.ImageId] = stored;
            note = null;
            if (history is not null) await history.ReloadAsync();
            // In the undecided view the decided image leaves the list, so the same position is the next one.
            if (filter is "undecided") await RefilterAsync();
            else await MoveAsync(1);
        }
        catch (Exception e) when (e is RequestRejectedException or AccessDeniedException)
        {
            Snackbar.Add($"Decision not saved: {e.Message}", Severity.Error);
        }
    }

    private async Task ModeChanged(bool grid)
    {
        gridMode = grid;
        await ShowAsync();
    }

    /// <summary>One decision for the grid's selection, through the same service as the bulk API.</summary>
    private async Task DecideManyAsync((ReviewVerdict Verdict, IReadOnlyList<long> ImageIds) decision)
    {
        if (job is null || !canEdit || busy) return;
        busy = true;
        try
        {
            var request = new BulkReviewRequest([.. decision.ImageIds], decision.Verdict.ToString(), note);
            var result = await Run.RunAsync<ReviewService, BulkReviewResult>(s => s.DecideManyAsync(Workspace.UserId, job.Id, request));
            foreach (var stored in result.Reviews) decisions[stored.ImageId] = stored;
            note = null;
            Snackbar.Add(ReviewUndoText.Decided(result), Severity.Success);
            if (history is not null) await history.ReloadAsync();
            await RefilterAsync();
        }
        catch (Exception e) when (e is RequestRejectedException or AccessDeniedException)
        {
            Snackbar.Add($"Decisions not saved: {e.Message}", Severity.Error);
        }
        finally
        {
            busy = false;
        }
    }

    /// <summary>Takes back the caller's last decision step (Ctrl+Z or the button), through the same service as the undo API.</summary>
    private async Task UndoAsync()
    {
        if (job is null || !canEdit || busy) return;
        busy = true;
        try
        {
            var result = await Run.RunAsync<ReviewService, UndoReviewResult>(s => s.UndoAsync(Workspace.UserId, job.Id));
            decisions = (await Run.RunAsync<ReviewService, List<ReviewView>>(s => s.ListAsync(Workspace.UserId, job.Id))).ToDictionary(d => d.ImageId);
            Snackbar.Add(ReviewUndoText.Undone(result, ImageLabel), result.Undone.Count > 0 ? Severity.Info : Severity.Normal);
            if (history is not null) await history.ReloadAsync();
            await RefilterAsync();
        }
        catch (Exception e) when (e is RequestRejectedException or AccessDeniedException)
        {
            Snackbar.Add($"Nothing undone: {e.Message}", Severity.Error);
        }
        finally
        {
            busy = false;
        }
    }

    /// <summary>
    /// Shows the image chosen in the picker: in the current view if it is there, else in the whole queue; an image the
    /// queue does not hold (scored below the threshold) is named in a message instead.
    /// </summary>
    private async Task GoToImageAsync(IReadOnlyList<int> chosen)
    {
        if (job is null || chosen.Count == 0) return;
        var index = chosen[0];
        if (visible.All(i => i.Index != index) && job.Items.Any(i => i.Index == index && i.ForReview))
        {
            (filter, classFilter) = ("all", null);
            await RefilterAsync();
        }
        var at = visible.FindIndex(i => i.Index == index);
        if (at < 0)
        {
            Snackbar.Add($"Image #{index} is not in this review queue: it scored below the threshold and was not queued by hand.", Severity.Info);
            return;
        }
        position = at;
        await ShowAsync();
    }

    private string ImageLabel(long imageId) =>
        job?.Items.FirstOrDefault(i => i.ImageId == imageId) is { } item ? $"image #{item.Index}" : "an image";

    private async Task CreateCleanedAsync()
    {
        if (job is null) return;
        try
        {
            var (id, kept, excluded) = await Run.RunAsync<CleanedDatasetService, (Guid, int, int)>(s => s.CreateAsync(Workspace.UserId, job.Id, null));
            cleanedDatasetId = id;
            Snackbar.Add($"Cleaned dataset created: {kept} images kept, {excluded} confirmed anomalies left out.", Severity.Success);
        }
        catch (Exception e) when (e is RequestRejectedException or AccessDeniedException)
        {
            Snackbar.Add($"No cleaned dataset: {e.Message}", Severity.Warning);
        }
    }

    private async Task JobChangedAsync(Guid? id)
    {
        if (id is { } jobId) await LoadAsync(jobId);
    }

    private async Task FilterChangedAsync(string? value)
    {
        filter = value ?? "undecided";
        position = 0;
        await RefilterAsync();
    }

    private async Task ClassChangedAsync(int? value)
    {
        classFilter = value;
        position = 0;
        await RefilterAsync();
    }

    private static string JobLabel(ScoreJobSummary j) =>
        $"{(j.DatasetName.Length > 0 ? j.DatasetName : "Shared job")} · {j.Method} · {j.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm}";

    private string ClassName(int? label) =>
        label is { } l && job is not null && l >= 0 && l < job.ClassNames.Count ? job.ClassNames[l] : label?.ToString() ?? "–";
}
