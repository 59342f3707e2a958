using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Training;
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
        var rows = await Run.RunAsync<RunService, List<(Guid Id, string Name, int ImageCount, int ImageSize, int Channels, int ClassCount)>>(
            s => s.TrainableDatasetsAsync(Workspace.UserId, team.Id));
        datasets = rows.Select(d => new DatasetChoice(d.Id, $"{d.Name} ({d.ImageCount:N0} images, {d.ImageSize}px {(d.Channels == 1 ? "grey" : "RGB")})", d.ImageCount, d.ImageSize, d.Channels, d.ClassCount)).ToList();
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
                var (config, options) = settings.ToEngine(dataset.Channels, dataset.ImageSize, JobOptions.Value.ResolveThreads(settings.Threads), dataset.ClassCount);
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

    /// <summary>Start stays disabled while any field is out of range, so a refused value is never sent (or clamped).</summary>
    private bool FormValid => Validator.TryValidateObject(form, new ValidationContext(form), null, validateAllProperties: true);

    /// <summary>Why the chosen dataset cannot train a conditional model (no classes), or null when it can.</summary>
    private string? ConditionalRefusal =>
        datasets.FirstOrDefault(d => d.Id == form.DatasetId) is { } d && RunSettingsRules.ConditionalRefusal(d.ClassCount) is { } refusal
            ? $"A conditional model {refusal}; this dataset has {(d.ClassCount == 0 ? "none" : "only one")}."
            : null;

    private string DatasetLabel(Guid id) => datasets.FirstOrDefault(d => d.Id == id)?.Label ?? "";

    private async Task SubmitAsync()
    {
        if (submitting) return; // a double click must not queue two runs
        submitting = true;
        formError = null;
        try
        {
            var run = await Run.RunAsync<RunService, RunSummary>(s => s.CreateAsync(Workspace.UserId, form.ToSettings(), submissionKey));
            Navigation.NavigateTo($"runs/{run.Id}");
        }
        catch (InvalidFieldsException e)
        {
            formError = string.Join(" ", e.Errors.Select(f => $"{f.Key} {string.Join("; ", f.Value)}."));
            submitting = false;
        }
        catch (Exception e) when (e is RequestRejectedException or AccessDeniedException or FormatException)
        {
            formError = e.Message;
            submitting = false;
        }
    }

    public void Dispose() => estimateDelay?.Cancel();

    private sealed record DatasetChoice(Guid Id, string Label, int ImageCount, int ImageSize, int Channels, int ClassCount);
}

/// <summary>
/// The form's editable copy of <see cref="RunSettings"/> (inputs bind to settable properties). Each field is checked
/// against the same range the API and the CLI use (<see cref="TrainingSettingRanges"/>), with the same words, at the field.
/// </summary>
public sealed class RunForm
{
    private static readonly RunSettings Defaults = RunSettings.Defaults;

    [NotEmptyGuid(ErrorMessage = "Choose a dataset.")]
    public Guid DatasetId { get; set; }
    [Required] public string Arch { get; set; } = Defaults.Arch;
    public bool Conditional { get; set; }
    [TrainingSetting("latent")] public int Latent { get; set; } = 20;
    [WholeNumberList] public string? Widths { get; set; } = "";
    [Required] public string Loss { get; set; } = Defaults.Loss;
    [TrainingSetting("beta")] public double Beta { get; set; } = Defaults.Beta;
    [TrainingSetting("warmup")] public int Warmup { get; set; } = Defaults.Warmup;
    [TrainingSetting("freeBits")] public double FreeBits { get; set; } = Defaults.FreeBits;
    [TrainingSetting("denoise")] public double Denoise { get; set; } = Defaults.Denoise;
    [TrainingSetting("epochs")] public int Epochs { get; set; } = Defaults.Epochs;
    [TrainingSetting("batch")] public int Batch { get; set; } = Defaults.Batch;
    [TrainingSetting("lr")] public decimal Lr { get; set; } = (decimal)Defaults.Lr;
    [Required] public string Schedule { get; set; } = Defaults.Schedule;
    [Required] public string Optimizer { get; set; } = Defaults.Optimizer;
    [TrainingSetting("weightDecay")] public decimal WeightDecay { get; set; }
    [TrainingSetting("clip")] public double Clip { get; set; }
    [TrainingSetting("patience")] public int Patience { get; set; }
    [TrainingSetting("validationSplit")] public decimal ValidationSplit { get; set; } = (decimal)Defaults.ValidationSplit;
    [TrainingSetting("seed")] public int Seed { get; set; } = Defaults.Seed;
    [TrainingSetting("threads")] public int? Threads { get; set; }

    /// <summary>The comma-separated widths, or null for the preset; the error says which part is not a whole number.</summary>
    internal static (int[]? Widths, string? Error) ParseWidths(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, null);
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var widths = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], out widths[i])) return (null, $"'{parts[i]}' in the widths is not a whole number");
            if (TrainingSettingRanges.LayerWidth.Check(widths[i]) is { } refusal) return (null, $"Each width {refusal}.");
        }
        return (widths, null);
    }

    public RunSettings ToSettings()
    {
        var (widths, error) = ParseWidths(Widths);
        if (error is not null) throw new FormatException(error);
        return new RunSettings
        {
            DatasetId = DatasetId, Arch = Arch, Conditional = Conditional, Latent = Latent,
            Hidden = Arch == "mlp" ? widths : null, Widths = Arch == "conv" ? widths : null,
            Loss = Loss, Beta = Beta, Warmup = Warmup, FreeBits = FreeBits, Denoise = Denoise, Epochs = Epochs, Batch = Batch,
            Lr = (double)Lr, Schedule = Schedule, Optimizer = Optimizer, WeightDecay = (double)WeightDecay, Clip = Clip,
            Patience = Patience, ValidationSplit = (double)ValidationSplit, Seed = Seed, Threads = Threads,
        };
    }
}

/// <summary>A field checked against its <see cref="SettingRange"/>; the message is the range's own ("Must be between 1 and 100000 (got 0)").</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class TrainingSettingAttribute(string field) : ValidationAttribute
{
    private readonly SettingRange range = TrainingSettingRanges.All.Single(r => r.Field == field);

    protected override ValidationResult? IsValid(object? value, ValidationContext context)
    {
        if (value is null) return ValidationResult.Success; // an empty optional field (threads) takes the server's default
        var refusal = range.Check(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
        return refusal is null
            ? ValidationResult.Success
            : new ValidationResult(char.ToUpperInvariant(refusal[0]) + refusal[1..] + ".", context.MemberName is { } member ? [member] : null);
    }
}

[AttributeUsage(AttributeTargets.Property)]
internal sealed class NotEmptyGuidAttribute : ValidationAttribute
{
    public override bool IsValid(object? value) => value is Guid g && g != Guid.Empty;
}

/// <summary>Comma-separated whole numbers (or nothing), with the offending part named in the message.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class WholeNumberListAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext context) =>
        RunForm.ParseWidths(value as string).Error is { } error
            ? new ValidationResult(error, context.MemberName is { } member ? [member] : null)
            : ValidationResult.Success;
}
