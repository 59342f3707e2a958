using Microsoft.AspNetCore.Components;
using MudBlazor;
using VaeWorkbench.Engine.Generation;
using VaeWorkbench.Web.Augmentation;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Pages.Augment;

/// <summary>The form behind a generation: preview the first samples, then queue the set and follow its job through <see cref="AugmentationEvents"/>.</summary>
public partial class GeneratePage : IDisposable
{
    private readonly GenerateForm form = new();
    private MudForm? mudForm;
    private string? requestError;
    private ModelSummary? model;
    private List<string> classNames = [];
    private string? error;
    private AugmentationPreviewResult? preview;
    private string? previewUrl;
    private bool previewing, saving;
    private Guid? setId;
    private AugmentedStatus status;
    private int requested, generated, kept;
    private string? jobError;
    private FilterOutcome? filterReport;
    // The server's refusals that name a field of this form, shown at that field.
    private readonly Dictionary<string, string> fieldErrors = [];
    private static readonly HashSet<string> FormFields = ["filter.balance", "filter.maxAttempts", "countPerClass", "classes"];
    private bool triedSubmit;

    [Parameter] public Guid ModelId { get; set; }

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    [Inject] public AugmentationEvents Events { get; set; } = default!;

    private double ProgressPercent => requested == 0 ? 0 : Math.Round(100.0 * generated / requested, 1);

    private List<BreadcrumbItem> Breadcrumbs =>
        [new("Models", "models"), new(model is null ? "Model" : $"Trained on {model.DatasetName}", $"models/{ModelId}"), new("Generate", null, disabled: true)];

    private bool FilterOn => form.MaxElboPercentile is not null || form.MinDistance is not null;

    private int DefaultAttempts => new BalanceOptions(ClassBalance.TopUp).AttemptsFor(Math.Max(1, TotalCount));

    /// <summary>The model's classes (its dataset's first ClassCount names); empty for an unconditional model.</summary>
    private IReadOnlyList<string> ModelClassNames => model is null ? [] : classNames.Take(ModelClasses.Count(model.Config)).ToList();

    /// <summary>A conditional model draws every sample at a class, chosen here.</summary>
    private bool Conditional => ModelClassNames.Count > 0;

    /// <summary>A conditional model's prior and per-class modes take a count per class instead of a total.</summary>
    private bool CountsPerClass => Conditional && form.Mode is "prior" or "perClass";

    /// <summary>The samples asked for: the count, or the classes chosen times the count per class.</summary>
    private int TotalCount => CountsPerClass ? form.ChosenClasses.Count * form.CountPerClass : form.Count;

    private string BalanceHelp => form.Balance switch
    {
        "sameShare" => "The filter's strictest class sets the share; every class loses that share, so their proportions stay.",
        "topUp" => "More samples are drawn until each class has its target, or the bound below is reached.",
        _ => FilterOn ? "Classes the filter rejects more often end up smaller." : "Applies when a quality filter is set.",
    };

    private string ModeHelp => (form.Mode, Conditional) switch
    {
        ("variations", _) => "Samples around chosen images of the dataset.",
        ("perClass", true) => "Codes near each class's own, decoded at that class: the samples most true to their class.",
        ("perClass", _) => "A Gaussian fitted to each class's codes; every sample is labelled with its class.",
        ("interpolate", _) => "Points between random pairs of images of the same class.",
        (_, true) => "Codes drawn from the prior N(0, T²I), decoded at each chosen class in turn.",
        _ => "Codes drawn from the prior N(0, T²I) and decoded.",
    };

    protected override async Task OnInitializedAsync()
    {
        Events.Updated += OnUpdate;
        try
        {
            model = await Run.RunAsync<ModelService, ModelSummary>(s => s.GetAsync(Workspace.UserId, ModelId));
            classNames = await Run.RunAsync<DatasetService, List<string>>(s => s.ClassNamesAsync(Workspace.UserId, model.DatasetId));
            form.ChosenClasses = ModelClassNames; // every class to begin with
            // A conditional model's per-class draws are the ones true to their class (prior draws at a class far less often).
            if (Conditional) form.Mode = "perClass";
        }
        catch (AccessDeniedException e)
        {
            error = e.Message;
        }
    }

    private async Task PreviewAsync()
    {
        if (!await ValidAsync()) return;
        previewing = true;
        try
        {
            var request = ToRequest();
            preview = await Run.RunAsync<AugmentationPreview, AugmentationPreviewResult>(p => p.PreviewAsync(Workspace.UserId, ModelId, request));
            previewUrl = preview.Kept > 0 ? "data:image/png;base64," + Convert.ToBase64String(preview.GridPng) : null;
        }
        catch (RequestRejectedException e) when (e.Field is { } field && FormFields.Contains(field))
        {
            fieldErrors[field] = e.Message;
        }
        catch (Exception e) when (e is AccessDeniedException or RequestRejectedException)
        {
            requestError = $"No preview: {e.Message}";
        }
        finally
        {
            previewing = false;
        }
    }

    private async Task SaveAsync()
    {
        if (!await ValidAsync()) return;
        saving = true;
        try
        {
            var request = ToRequest();
            var id = await Run.RunAsync<AugmentationService, Guid>(s => s.CreateAsync(Workspace.UserId, ModelId, request));
            (setId, status, requested, generated, kept, jobError, filterReport) = (id, AugmentedStatus.Queued, TotalCount, 0, 0, null, null);
            // The job may have moved on before this page subscribed to it.
            if (Events.Latest(id) is { } latest) await ApplyAsync(latest);
        }
        catch (RequestRejectedException e) when (e.Field is { } field && FormFields.Contains(field))
        {
            fieldErrors[field] = e.Message;
        }
        catch (Exception e) when (e is AccessDeniedException or RequestRejectedException)
        {
            requestError = $"Not started: {e.Message}";
        }
        finally
        {
            saving = false;
        }
    }

    private void OnUpdate(AugmentationUpdate update)
    {
        if (update.SetId != setId) return;
        _ = InvokeAsync(async () =>
        {
            await ApplyAsync(update);
            StateHasChanged();
        });
    }

    private async Task ApplyAsync(AugmentationUpdate update)
    {
        (status, requested, generated, kept, jobError) = (update.Status, update.Requested, update.Generated, update.Kept, update.Error ?? jobError);
        // The per-class report is stored with the finished set; read it once.
        if (update.Status == AugmentedStatus.Succeeded && filterReport is null && setId is { } id)
            filterReport = (await Run.RunAsync<AugmentationService, AugmentedSummary>(s => s.GetAsync(Workspace.UserId, id))).Provenance.FilterReport;
    }

    private void BalanceChanged(string value)
    {
        form.Balance = value;
        if (value != "topUp") form.MaxAttempts = null;
        fieldErrors.Clear();
    }

    /// <summary>Balancing reshapes what the filter removes, so it needs a filter, as the server says too.</summary>
    private string? BalanceError() =>
        form.Balance != "none" && !FilterOn ? "Set a quality filter (max −ELBO percentile or min distance) to balance what it removes." : null;

    public static string? MaxAttemptsError(int? attempts, int count) =>
        attempts is { } a && (a < count || a > BalanceOptions.MaxAttemptsLimit)
            ? $"From the count ({count:N0}) to {BalanceOptions.MaxAttemptsLimit:N0}, or empty for 4 × count."
            : null;

    private bool imagesMissing;

    /// <summary>Checks every field and shows its message at the field; the server checks the request again.</summary>
    private async Task<bool> ValidAsync()
    {
        requestError = null;
        fieldErrors.Clear();
        triedSubmit = true;
        imagesMissing = form.Mode == "variations" && form.ImageIndices.Count == 0;
        var classesMissing = Conditional && form.Mode != "variations" && form.ChosenClasses.Count == 0;
        if (mudForm is null) return !imagesMissing && !classesMissing;
        await mudForm.ValidateAsync();
        return mudForm.IsValid && !imagesMissing && !classesMissing;
    }

    public static string? CountError(int count) => count is < 1 or > 100_000 ? "Choose between 1 and 100,000 samples." : null;

    public static string? TemperatureError(double t) => t is < 0.1 or > 2 ? "Temperature must be between 0.1 and 2.0." : null;

    public static string? SeedError(long seed) => seed is < 0 or > int.MaxValue ? $"The seed is a whole number from 0 to {int.MaxValue:N0}." : null;

    public static string? SpreadError(double spread) => spread is < 0 or > 10 ? "Spread must be between 0 and 10." : null;

    public static string? PercentileError(double? p) => p is < 0.1 or > 100 ? "A percentile between 0.1 and 100, or empty for no filter." : null;

    public static string? DistanceError(double? d) => d is < 0 ? "The distance cannot be negative; leave it empty for no filter." : null;

    private GenerateRequest ToRequest()
    {
        var imageIds = form.Mode == "variations" ? form.ImageIndices.ToList() : null;
        var filter = form.MaxElboPercentile is null && form.MinDistance is null ? null
            : new GenerateFilterRequest(form.MaxElboPercentile, form.MinDistance is { } d ? (float)d : null, form.Space,
                form.Balance, form.Balance == "topUp" ? form.MaxAttempts : null);
        // A conditional model takes the classes picked (any mode but variations); an unconditional one those of the select.
        var classes = Conditional ? (form.Mode != "variations" ? form.ChosenClasses.ToList() : null)
            : form.Mode is "perClass" or "interpolate" && form.Classes.Any() ? form.Classes.ToList() : null;
        return new GenerateRequest(form.Mode, TotalCount, (float)form.Temperature, (float)form.Spread, form.Seed, imageIds, classes, filter,
            CountsPerClass ? form.CountPerClass : null);
    }

    public void Dispose() => Events.Updated -= OnUpdate;

    private sealed class GenerateForm
    {
        public string Mode { get; set; } = "prior";
        public int Count { get; set; } = 200;
        public double Temperature { get; set; } = 1;
        public double Spread { get; set; } = 1;
        public long Seed { get; set; } = 1;
        /// <summary>The chosen source images' numbers (variations), from the image picker.</summary>
        public IReadOnlyList<int> ImageIndices { get; set; } = [];
        public IReadOnlyCollection<string> Classes { get; set; } = [];
        /// <summary>A conditional model's classes to draw, from the class picker, in class order.</summary>
        public IReadOnlyCollection<string> ChosenClasses { get; set; } = [];
        public int CountPerClass { get; set; } = 20;
        public double? MaxElboPercentile { get; set; }
        public double? MinDistance { get; set; }
        public string Space { get; set; } = "pixel";
        public string Balance { get; set; } = "none";
        public int? MaxAttempts { get; set; }
    }
}
