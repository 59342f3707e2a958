using System.Globalization;
using Microsoft.AspNetCore.Components;
using Radzen;
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
    private static readonly string[] Modes = ["prior", "variations", "perClass", "interpolate"];
    private readonly GenerateForm form = new();
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

    [Inject] public NotificationService Notifications { get; set; } = default!;

    private double ProgressPercent => requested == 0 ? 0 : Math.Round(100.0 * generated / requested, 1);

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
        previewing = true;
        try
        {
            var request = ToRequest();
            preview = await Run.RunAsync<AugmentationPreview, AugmentationPreviewResult>(p => p.PreviewAsync(Workspace.UserId, ModelId, request));
            previewUrl = preview.Kept > 0 ? "data:image/png;base64," + Convert.ToBase64String(preview.GridPng) : null;
        }
        catch (Exception e) when (e is AccessDeniedException or RequestRejectedException)
        {
            Notifications.Notify(NotificationSeverity.Error, "No preview", e.Message);
        }
        finally
        {
            previewing = false;
        }
    }

    private async Task SaveAsync()
    {
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
            Notifications.Notify(NotificationSeverity.Error, "Not started", e.Message);
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

    private GenerateRequest ToRequest()
    {
        List<int>? imageIds = null;
        if (form.Mode == "variations")
        {
            try
            {
                imageIds = (form.ImageIds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(t => int.Parse(t, NumberStyles.None, CultureInfo.InvariantCulture)).ToList();
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new RequestRejectedException("Source images must be image numbers separated by commas.");
            }
        }
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
        public string? ImageIds { get; set; }
        public IEnumerable<string> Classes { get; set; } = [];
        public double? MaxElboPercentile { get; set; }
        public double? MinDistance { get; set; }
        public string Space { get; set; } = "pixel";
    }
}
