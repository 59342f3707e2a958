using Microsoft.AspNetCore.Components;
using MudBlazor;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Pages.Runs;

/// <summary>One run, live: the job service pushes each finished epoch through <see cref="RunEvents"/>; nothing polls.</summary>
public partial class RunDetail : IDisposable
{
    private RunDetails? run;
    private List<EpochPoint> history = [];
    private RunStatus status;
    private int epoch;
    private int? queuePosition;
    private string? runError;
    private Guid? modelId;
    private string? reconstructionDataUrl;
    private string? error;
    private bool cancelling;
    private double epochFraction;

    [Parameter] public Guid RunId { get; set; }

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    [Inject] public RunEvents Events { get; set; } = default!;

    [Inject] public ISnackbar Snackbar { get; set; } = default!;

    private double ProgressPercent => run is null || run.Summary.Epochs == 0 ? 0 : Math.Round(100.0 * (epoch + epochFraction) / run.Summary.Epochs, 1);

    private double? LastThroughput => history.Count > 0 ? history[^1].ImagesPerSecond : null;

    private TimeSpan? Eta => status == RunStatus.Running && history.Count > 0 && run is not null
        ? TimeSpan.FromSeconds(history.Average(h => h.Seconds) * (run.Summary.Epochs - epoch - epochFraction))
        : null;

    private List<ChartLine> LossSeries => RunCurves.TrainAndValidation(RunCurves.Train(history), RunCurves.Validation(history));

    private List<ChartLine> ReconstructionSeries => RunCurves.TrainAndValidation(RunCurves.Reconstruction(history), RunCurves.ValidationReconstruction(history));

    // KL is tens of nats where reconstruction is hundreds: on a chart of its own its curve is not flattened to a line.
    private List<ChartLine> KlSeries => RunCurves.TrainAndValidation(RunCurves.Kl(history), RunCurves.ValidationKl(history));

    protected override async Task OnInitializedAsync()
    {
        Events.Updated += OnUpdate;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        try
        {
            run = await Run.RunAsync<RunService, RunDetails>(s => s.GetAsync(Workspace.UserId, RunId));
        }
        catch (AccessDeniedException e)
        {
            error = e.Message;
            return;
        }
        history = run.History.ToList();
        (status, epoch, queuePosition, runError, modelId) = (run.Summary.Status, run.Summary.Epoch, run.Summary.QueuePosition, run.Summary.Error, run.Summary.ModelId);
        if (Events.LatestReconstruction(RunId) is { } png) reconstructionDataUrl = ToDataUrl(png);
        else if (status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled
                 && await Run.RunAsync<RunService, byte[]?>(s => s.FinalReconstructionAsync(Workspace.UserId, RunId)) is { } kept)
            reconstructionDataUrl = ToDataUrl(kept);
    }

    private void OnUpdate(RunUpdate update)
    {
        // Nothing of a run the caller may not read (run stays null) is taken from the live events.
        if (update.RunId != RunId || run is null) return;
        _ = InvokeAsync(async () =>
        {
            if (update.FinishedEpoch is { } row && history.All(h => h.Epoch != row.Epoch)) history.Add(RunCurves.ToPoint(row));
            if (update.ReconstructionPng is { } png) reconstructionDataUrl = ToDataUrl(png);
            (status, epoch, runError) = (update.Status, Math.Max(epoch, update.Epoch), update.Error ?? runError);
            epochFraction = update.FinishedEpoch is not null ? 0 : update.EpochFraction ?? epochFraction;
            // A finished run now has its model (or its final state); read it once from the database.
            if (update.Status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled) await LoadAsync();
            StateHasChanged();
        });
    }

    private async Task CancelAsync()
    {
        cancelling = true;
        try
        {
            await Run.RunAsync<RunService, RunSummary>(s => s.CancelAsync(Workspace.UserId, RunId));
            Snackbar.Add("Cancelling: the run stops within a few seconds.", Severity.Info);
            await LoadAsync();
        }
        catch (Exception e) when (e is AccessDeniedException or RequestRejectedException)
        {
            Snackbar.Add("Not cancelled: " + e.Message, Severity.Error);
        }
        finally
        {
            cancelling = false;
        }
    }

    private Task<Labels.LabelsResponse> SaveLabelsAsync(Labels.LabelPatch patch) =>
        Run.RunAsync<RunService, Labels.LabelsResponse>(s => s.UpdateLabelsAsync(Workspace.UserId, RunId, patch));

    private static string ToDataUrl(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    internal static string FormatDuration(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes} min" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes} min {t.Seconds} s" : $"{Math.Max(1, (int)t.TotalSeconds)} s";

    public void Dispose() => Events.Updated -= OnUpdate;
}
