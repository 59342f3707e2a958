using Microsoft.AspNetCore.Components;
using MudBlazor;
using MudBlazor.Charts;
using VaeWorkbench.Engine.Scoring;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Scoring;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.ModelViews;

/// <summary>
/// Start score jobs, watch them (pushed by <see cref="ScoreEvents"/>), and explore one job's scores: histogram with the
/// threshold, the rule's flagged set updated on every keystroke, and with labels AUROC/AP/ROC and a method comparison.
/// </summary>
/// <remarks>Logic is in this file; the pure computations (histogram split, ROC on a grid) in <see cref="ScoreAnalysis"/>.</remarks>
public partial class ScoringPanel : IDisposable
{
    /// <summary>What the one-class view says in place of AUROC when it cannot be computed.</summary>
    public const string NoNormalClasses = "—, choose the normal classes first";

    public const string NoAnomalies = "—, every labelled image is in a normal class: leave at least one class out";

    private List<DatasetSummary> datasets = [];
    private List<ScoreJobSummary> jobs = [];
    private Guid startDatasetId;
    private string startMethod = "latent";
    private int startK = 1;
    private bool starting;
    private string? startError;

    private ScoreJobResult? selected;
    private List<double> scores = [];
    private List<int?> labels = [];
    private string mode = "Percentile";
    private double ruleValue = ThresholdRule.DefaultPercentile;
    private double? threshold;
    private int flaggedCount;
    private string? ruleError;
    private SplitHistogram histogram = new([], [], []);
    private HashSet<int> normal = [];
    private double? auroc, averagePrecision;
    private GridCurve rocCurve = new([], []);
    private Dictionary<Guid, (double Auroc, double Ap)> comparison = [];
    private readonly Dictionary<Guid, ScoreJobResult> loaded = [];

    [Parameter, EditorRequired] public Guid ModelId { get; set; }

    [Parameter] public Guid TrainingDatasetId { get; set; }

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    [Inject] public ScoreEvents Events { get; set; } = default!;

    [Inject] public ISnackbar Snackbar { get; set; } = default!;

    private string ValueLabel => mode switch { "Percentile" => "Percentile (0–100)", "RobustZ" => "z cut-off", _ => "Score" };

    private string ValueHelp => mode switch { "Percentile" => "default 99", "RobustZ" => "median + z·1.4826·MAD; default 3.5", _ => "flag scores above this" };

    private string RankingUnavailable => normal.Count == 0 ? NoNormalClasses : NoAnomalies;

    private List<ChartSeries<double>> HistogramSeries =>
    [
        new() { Name = "Not flagged", Data = histogram.Kept },
        new() { Name = "Flagged (above the threshold)", Data = histogram.Flagged },
    ];

    private List<ChartSeries<double>> RocSeries =>
    [
        new() { Name = "ROC", Data = rocCurve.Values },
        new() { Name = "Chance", Data = rocCurve.Labels.Select((_, i) => 100.0 * i / (rocCurve.Labels.Length - 1)).ToArray() },
    ];

    private StackedBarChartOptions histogramOptions = new();

    private readonly LineChartOptions rocOptions = new()
    {
        XAxisTitle = "false positive rate (%)", YAxisTitle = "true positive rate (%)", XAxisLabelInterval = 10, YAxisTicks = 20,
        ChartPalette = ["#1565c0", "#9e9e9e"],
    };

    private static bool UsesSamples(string method) => AnomalyMethods.TryParse(method, out var m) && m.UsesSamples();

    private static string MethodLabel(string name) => name switch
    {
        "recon" => "recon: reconstruction error",
        "elbo" => "elbo: negative ELBO",
        "iwae" => "iwae: IWAE −log p(x)",
        "latent" => "latent: Mahalanobis of μ (recommended)",
        _ => "complexity: −ELBO minus PNG length",
    };

    protected override async Task OnInitializedAsync()
    {
        Events.Updated += OnUpdate;
        if (Workspace.CurrentTeam is { } team && Workspace.CanEdit)
        {
            datasets = await Run.RunAsync<DatasetService, List<DatasetSummary>>(s => s.UsableForNewRunAsync(Workspace.UserId, team.Id));
            startDatasetId = datasets.Any(d => d.Id == TrainingDatasetId) ? TrainingDatasetId : datasets.FirstOrDefault()?.Id ?? Guid.Empty;
        }
        await LoadJobsAsync();
        if (jobs.FirstOrDefault(j => j.Status == ScoreJobStatus.Succeeded) is { } latest) await SelectAsync(latest.Id);
    }

    private async Task LoadJobsAsync() =>
        jobs = await Run.RunAsync<ScoringService, List<ScoreJobSummary>>(s => s.ListForModelAsync(Workspace.UserId, ModelId));

    private async Task StartAsync()
    {
        starting = true;
        startError = null;
        try
        {
            var request = new StartScoreRequest(startDatasetId, startMethod, UsesSamples(startMethod) ? startK : null);
            await Run.RunAsync<ScoringService, Guid>(s => s.StartAsync(Workspace.UserId, ModelId, request));
            await LoadJobsAsync();
        }
        catch (Exception e) when (e is RequestRejectedException or AccessDeniedException)
        {
            startError = e.Message;
        }
        finally
        {
            starting = false;
        }
    }

    private void OnUpdate(ScoreUpdate update)
    {
        if (jobs.All(j => j.Id != update.JobId) && update.Status != ScoreJobStatus.Queued) return;
        _ = InvokeAsync(async () =>
        {
            if (update.Status is ScoreJobStatus.Running)
            {
                jobs = [.. jobs.Select(j => j.Id == update.JobId ? j with { Status = update.Status, Progress = Math.Max(j.Progress, update.Progress) } : j)];
            }
            else
            {
                await LoadJobsAsync();
                if (update.Status == ScoreJobStatus.Succeeded && (selected is null || selected.Status != ScoreJobStatus.Succeeded)) await SelectAsync(update.JobId);
                else await CompareAsync();
            }
            StateHasChanged();
        });
    }

    private async Task SelectAsync(Guid jobId)
    {
        selected = await LoadResultAsync(jobId, refresh: true);
        scores = [.. selected.Items.Select(i => i.Score)];
        labels = [.. selected.Items.Select(i => i.Label)];
        (mode, ruleValue) = (selected.Threshold.Mode, selected.Threshold.Value);
        normal = [.. selected.NormalClasses];
        Recompute();
        await CompareAsync();
    }

    private async Task<ScoreJobResult> LoadResultAsync(Guid jobId, bool refresh = false)
    {
        if (!refresh && loaded.TryGetValue(jobId, out var cached)) return cached;
        var result = await Run.RunAsync<ScoringService, ScoreJobResult>(s => s.GetAsync(Workspace.UserId, jobId));
        return loaded[jobId] = result;
    }

    private void Recompute()
    {
        ruleError = null;
        try
        {
            threshold = scores.Count == 0 ? null : new ThresholdRule(Enum.Parse<ThresholdMode>(mode), ruleValue).Compute(scores.ToArray());
        }
        catch (ArgumentOutOfRangeException e)
        {
            ruleError = e.Message.Split(" (Parameter")[0];
        }
        flaggedCount = threshold is { } t ? ThresholdRule.CountFlagged(scores.ToArray(), t) : 0;
        histogram = ScoreAnalysis.Split(scores, threshold);
        histogramOptions = new StackedBarChartOptions
        {
            XAxisTitle = $"{selected?.Method} score (higher = less typical)", YAxisTitle = "images", XAxisLabelInterval = 8,
            YAxisTicks = ScoreAnalysis.AxisStep(histogram.Kept.Zip(histogram.Flagged, (k, f) => k + f).DefaultIfEmpty(0).Max()),
            ChartPalette = ["#1565c0", "#d32f2f"],
        };
        (auroc, averagePrecision) = ScoreEvaluation.Ranking(scores, labels, normal);
        rocCurve = auroc is null ? new([], []) : ScoreAnalysis.OnGrid(ScoreAnalysis.Roc(Labelled().Scores, Labelled().Anomaly));
    }

    private (List<double> Scores, List<bool> Anomaly) Labelled()
    {
        var s = new List<double>();
        var a = new List<bool>();
        for (var i = 0; i < scores.Count; i++)
            if (labels[i] is { } l) { s.Add(scores[i]); a.Add(!normal.Contains(l)); }
        return (s, a);
    }

    /// <summary>AUROC of every succeeded job of this model on the same dataset, for the same normal classes.</summary>
    private async Task CompareAsync()
    {
        comparison = [];
        if (selected is null || normal.Count == 0) return;
        foreach (var job in jobs.Where(j => j.Status == ScoreJobStatus.Succeeded && j.DatasetId == selected.DatasetId))
        {
            var result = await LoadResultAsync(job.Id);
            var (a, ap) = ScoreEvaluation.Ranking([.. result.Items.Select(i => i.Score)], [.. result.Items.Select(i => i.Label)], normal);
            if (a is { } auc) comparison[job.Id] = (auc, ap!.Value);
        }
    }

    private async Task ModeChangedAsync(string value)
    {
        mode = value;
        ruleValue = mode switch { "Percentile" => ThresholdRule.DefaultPercentile, "RobustZ" => ThresholdRule.DefaultRobustZ, _ => threshold ?? 0 };
        Recompute();
        await SaveAsync();
    }

    /// <summary>Every keystroke recomputes the flagged set; only leaving the field saves (see <see cref="SaveAsync"/>).</summary>
    private void ValueTyped(double value)
    {
        ruleValue = value;
        Recompute();
    }

    private Task ValueCommittedAsync() => SaveAsync();

    private async Task ToggleNormalAsync(int label, bool isNormal)
    {
        if (isNormal) normal.Add(label); else normal.Remove(label);
        Recompute();
        await CompareAsync();
        await SaveAsync();
    }

    /// <summary>Editors' threshold and normal classes become the team's (the review queue uses them); a Viewer explores locally.</summary>
    private async Task SaveAsync()
    {
        if (selected is null || !Workspace.CanEdit || ruleError is not null) return;
        try
        {
            var request = new ScoreSettingsRequest(mode, ruleValue, [.. normal]);
            selected = loaded[selected.Id] = await Run.RunAsync<ScoringService, ScoreJobResult>(s => s.UpdateSettingsAsync(Workspace.UserId, selected.Id, request));
        }
        catch (Exception e) when (e is RequestRejectedException or AccessDeniedException)
        {
            Snackbar.Add($"Threshold not saved: {e.Message}", Severity.Warning);
        }
    }

    public void Dispose() => Events.Updated -= OnUpdate;
}
