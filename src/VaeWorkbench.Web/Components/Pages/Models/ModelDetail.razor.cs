using System.Text.Json;
using Microsoft.AspNetCore.Components;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Components.Registry;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Registry;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Pages.Models;

/// <summary>
/// A trained model in tabs. The active tab lives in the query string (<c>?tab=latent-map</c>), so a link or a reload
/// opens the same tab; each tab's views load when it is first opened and keep their state while the page is open.
/// </summary>
public partial class ModelDetail
{
    /// <summary>The tabs' names in the URL, in the order they are shown.</summary>
    public static readonly string[] Tabs = ["overview", "samples", "interpolation", "traversal", "latent-map", "scores", "card", "versions"];

    private ModelSummary? model;
    private Guid loadedId;
    private IReadOnlyList<string> classNames = [];
    private List<(string Name, string Value)> configRows = [];
    private List<TrainedModelVersion> versions = [];
    private string? error;

    [Parameter] public Guid ModelId { get; set; }

    [SupplyParameterFromQuery(Name = "tab")] public string? Tab { get; set; }

    [CascadingParameter] public Workspace Workspace { get; set; } = default!;

    [Inject] public ScopedRunner Run { get; set; } = default!;

    [Inject] public NavigationManager Navigation { get; set; } = default!;

    /// <summary>An unknown or missing tab name opens the overview.</summary>
    private int ActiveIndex => Math.Max(0, Array.IndexOf(Tabs, Tab?.ToLowerInvariant() ?? ""));

    protected override async Task OnParametersSetAsync()
    {
        // A tab change only changes the query string: the model is loaded once per model.
        if (loadedId == ModelId && (model is not null || error is not null)) return;
        loadedId = ModelId;
        try
        {
            model = await Run.RunAsync<ModelService, ModelSummary>(s => s.GetAsync(Workspace.UserId, ModelId));
            classNames = await Run.RunAsync<DatasetService, List<string>>(s => s.ClassNamesAsync(Workspace.UserId, model.DatasetId));
            versions = await Run.RunAsync<RegistryService, List<TrainedModelVersion>>(s => s.VersionsOfTrainedModelAsync(Workspace.UserId, ModelId));
            configRows = ConfigRows(model.Config);
            error = null;
        }
        catch (AccessDeniedException e)
        {
            (model, error) = (null, e.Message);
        }
    }

    private void TabChanged(int index)
    {
        if (index < 0 || index >= Tabs.Length || index == ActiveIndex) return;
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("tab", Tabs[index]), replace: true);
    }

    private static string Format(double? value) => value?.ToString("N2") ?? "–";

    /// <summary>The model's configuration as labelled rows: "convWidths" reads "Conv widths", a list reads "32, 64".</summary>
    public static List<(string Name, string Value)> ConfigRows(JsonElement config) =>
        [.. JsonFlattener.Flatten(config).Select(row => (Label(row.Key), row.Value.StartsWith('[') ? row.Value.Trim('[', ']') : row.Value))];

    private static string Label(string path)
    {
        var words = new System.Text.StringBuilder();
        foreach (var c in path.Replace('.', ' '))
        {
            if (char.IsUpper(c) && words.Length > 0) words.Append(' ').Append(char.ToLowerInvariant(c));
            else words.Append(c);
        }
        return words.Length == 0 ? path : char.ToUpperInvariant(words[0]) + words.ToString()[1..];
    }
}
