using Microsoft.AspNetCore.Components;
using MudBlazor;
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

    [Parameter] public Guid ModelId { get; set; }

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    [Inject] public AugmentationEvents Events { get; set; } = default!;

    private double ProgressPercent => requested == 0 ? 0 : Math.Round(100.0 * generated / requested, 1);

    private List<BreadcrumbItem> Breadcrumbs =>
        [new("Models", "models"), new(model is null ? "Model" : $"Trained on {model.DatasetName}", $"models/{ModelId}"), new("Generate", null, disabled: true)];

    private string ModeHelp => form.Mode switch
    {
        "variations" => "Samples around chosen images of the dataset.",
        "perClass" => "A Gaussian fitted to each class's codes; every sample is labelled with its class.",
        "interpolate" => "Points between random pairs of images of the same class.",
        _ => "Codes drawn from the prior N(0, T²I) and decoded.",
    };

    protected override async Task OnInitializedAsync()
    {
        Events.Updated += OnUpdate;
        try
        {
            model = await Run.RunAsync<ModelService, ModelSummary>(s => s.GetAsync(Workspace.UserId, ModelId));
            classNames = await Run.RunAsync<DatasetService, List<string>>(s => s.ClassNamesAsync(Workspace.UserId, model.DatasetId));
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
            (setId, status, requested, generated, kept, jobError) = (id, AugmentedStatus.Queued, request.Count, 0, 0, null);
            // The job may have moved on before this page subscribed to it.
            if (Events.Latest(id) is { } latest) Apply(latest);
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
        _ = InvokeAsync(() =>
        {
            Apply(update);
            StateHasChanged();
        });
    }

    private void Apply(AugmentationUpdate update) =>
        (status, requested, generated, kept, jobError) = (update.Status, update.Requested, update.Generated, update.Kept, update.Error ?? jobError);

    /// <summary>Checks every field and shows its message at the field; the server checks the request again.</summary>
    private bool imagesMissing;

    private async Task<bool> ValidAsync()
    {
        requestError = null;
        imagesMissing = form.Mode == "variations" && form.ImageIndices.Count == 0;
        if (mudForm is null) return !imagesMissing;
        await mudForm.ValidateAsync();
        return mudForm.IsValid && !imagesMissing;
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
            : new GenerateFilterRequest(form.MaxElboPercentile, form.MinDistance is { } d ? (float)d : null, form.Space);
        return new GenerateRequest(form.Mode, form.Count, (float)form.Temperature, (float)form.Spread, form.Seed, imageIds,
            form.Mode is "perClass" or "interpolate" && form.Classes.Any() ? form.Classes.ToList() : null, filter);
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
        public double? MaxElboPercentile { get; set; }
        public double? MinDistance { get; set; }
        public string Space { get; set; } = "pixel";
    }
}
