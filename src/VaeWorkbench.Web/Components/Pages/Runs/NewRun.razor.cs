using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Pages.Runs;

public partial class NewRun : IDisposable
{
    private static readonly string[] Losses = [.. OptionNames.Losses.Keys];
    private readonly RunForm form = new();
    private List<DatasetChoice> datasets = [];
    private bool submitting;

    // One key per form: however often this form is submitted (a double click, a click during a reconnect), the server
    // creates one run for it. A new visit to the page is a new form and a new key.
    private readonly string submissionKey = Guid.NewGuid().ToString("N");
    private string? formError;
    private string estimateText = "";
    private CancellationTokenSource? estimateDelay;

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    [Inject] public NavigationManager Navigation { get; set; } = default!;

    [Inject] public IOptions<TrainingJobOptions> JobOptions { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "dataset")] public Guid? PreselectedDataset { get; set; }

    protected override async Task OnInitializedAsync()
    {
        if (Workspace.CurrentTeam is not { } team) return;
        var rows = await Run.RunAsync<RunService, List<(Guid Id, string Name, int ImageCount, int ImageSize, int Channels)>>(
            s => s.TrainableDatasetsAsync(Workspace.UserId, team.Id));
        datasets = rows.Select(d => new DatasetChoice(d.Id, $"{d.Name} ({d.ImageCount:N0} images, {d.ImageSize}px {(d.Channels == 1 ? "grey" : "RGB")})", d.ImageCount, d.ImageSize, d.Channels)).ToList();
        form.DatasetId = datasets.FirstOrDefault(d => d.Id == PreselectedDataset)?.Id ?? datasets.FirstOrDefault()?.Id ?? Guid.Empty;
        ScheduleEstimate();
    }

    /// <summary>Re-estimates shortly after the last change, timing real training steps off the UI thread.</summary>
    private void ScheduleEstimate()
    {
        estimateDelay?.Cancel();
        var delay = estimateDelay = new CancellationTokenSource();
        var dataset = datasets.FirstOrDefault(d => d.Id == form.DatasetId);
        if (dataset is null) return;
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(400, delay.Token);
                var settings = form.ToSettings();
                var (config, options) = settings.ToEngine(dataset.Channels, dataset.ImageSize, JobOptions.Value.ResolveThreads(settings.Threads));
                var trainCount = Math.Max(1, dataset.ImageCount - (int)Math.Round(dataset.ImageCount * settings.ValidationSplit));
                var perEpoch = TrainingEstimator.EstimateEpoch(config, options, trainCount);
                if (delay.IsCancellationRequested) return;
                await InvokeAsync(() =>
                {
                    estimateText = $"Estimated {RunDetail.FormatDuration(perEpoch)} per epoch on this server ({config.Latent}-d latent, about {config.EstimateParameterCount():N0} parameters), measured just now.";
                    StateHasChanged();
                });
            }
            catch (OperationCanceledException)
            {
                // A newer change superseded this estimate.
            }
            catch (ArgumentException e)
            {
                await InvokeAsync(() => { estimateText = "No estimate: " + e.Message; StateHasChanged(); });
            }
        });
    }

    private async Task SubmitAsync(RunForm submitted)
    {
        if (submitting) return; // a double click must not queue two runs
        submitting = true;
        formError = null;
        try
        {
            var run = await Run.RunAsync<RunService, RunSummary>(s => s.CreateAsync(Workspace.UserId, submitted.ToSettings(), submissionKey));
            Navigation.NavigateTo($"runs/{run.Id}");
        }
        catch (Exception e) when (e is RequestRejectedException or AccessDeniedException or FormatException)
        {
            formError = e.Message;
            submitting = false;
        }
    }

    public void Dispose() => estimateDelay?.Cancel();

    private sealed record DatasetChoice(Guid Id, string Label, int ImageCount, int ImageSize, int Channels);
}

/// <summary>The form's editable copy of <see cref="RunSettings"/> (Radzen inputs bind to settable properties).</summary>
public sealed class RunForm
{
    private static readonly RunSettings Defaults = RunSettings.Defaults;

    public Guid DatasetId { get; set; }
    public string Arch { get; set; } = Defaults.Arch;
    public int Latent { get; set; } = 20;
    public string Widths { get; set; } = "";
    public string Loss { get; set; } = Defaults.Loss;
    public double Beta { get; set; } = Defaults.Beta;
    public int Warmup { get; set; } = Defaults.Warmup;
    public double FreeBits { get; set; } = Defaults.FreeBits;
    public double Denoise { get; set; } = Defaults.Denoise;
    public int Epochs { get; set; } = Defaults.Epochs;
    public int Batch { get; set; } = Defaults.Batch;
    public decimal Lr { get; set; } = (decimal)Defaults.Lr;
    public string Schedule { get; set; } = Defaults.Schedule;
    public string Optimizer { get; set; } = Defaults.Optimizer;
    public decimal WeightDecay { get; set; }
    public double Clip { get; set; }
    public int Patience { get; set; }
    public decimal ValidationSplit { get; set; } = (decimal)Defaults.ValidationSplit;
    public int Seed { get; set; } = Defaults.Seed;
    public int? Threads { get; set; }

    public RunSettings ToSettings()
    {
        int[]? widths = null;
        if (!string.IsNullOrWhiteSpace(Widths))
        {
            var parts = Widths.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            widths = parts.Select(p => int.TryParse(p, out var w) ? w : throw new FormatException($"'{p}' in the widths is not a whole number")).ToArray();
        }
        return new RunSettings
        {
            DatasetId = DatasetId, Arch = Arch, Latent = Latent,
            Hidden = Arch == "mlp" ? widths : null, Widths = Arch == "conv" ? widths : null,
            Loss = Loss, Beta = Beta, Warmup = Warmup, FreeBits = FreeBits, Denoise = Denoise, Epochs = Epochs, Batch = Batch,
            Lr = (double)Lr, Schedule = Schedule, Optimizer = Optimizer, WeightDecay = (double)WeightDecay, Clip = Clip,
            Patience = Patience, ValidationSplit = (double)ValidationSplit, Seed = Seed, Threads = Threads,
        };
    }
}
