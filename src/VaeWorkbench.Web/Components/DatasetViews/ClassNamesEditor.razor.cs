using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.DatasetViews;

/// <summary>
/// Lists a dataset's classes and renames them with the service call behind <c>PUT /api/datasets/{id}/classes</c>;
/// a refused name is shown at its own field (the service names it as <c>names[i]</c>).
/// </summary>
public partial class ClassNamesEditor
{
    private bool editing;
    private bool saving;
    private string[] drafts = [];
    private readonly Dictionary<int, string> errors = [];
    private string? generalError;

    [Parameter, EditorRequired] public Guid DatasetId { get; set; }

    [Parameter, EditorRequired] public string UserId { get; set; } = "";

    /// <summary>The class names in label order.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<string> Names { get; set; } = [];

    [Parameter] public IReadOnlyList<ClassCount> Counts { get; set; } = [];

    [Parameter] public bool CanEdit { get; set; }

    /// <summary>Called with the saved names, for the page to refresh its class filter and counts.</summary>
    [Parameter] public EventCallback<List<string>> Renamed { get; set; }

    [Inject] public ScopedRunner Run { get; set; } = default!;

    [Inject] public ISnackbar Snackbar { get; set; } = default!;

    private int CountOf(string name) => Counts.FirstOrDefault(c => c.Name == name)?.Count ?? 0;

    private void StartEditing()
    {
        drafts = [.. Names];
        errors.Clear();
        generalError = null;
        editing = true;
    }

    private void Cancel()
    {
        editing = false;
        errors.Clear();
        generalError = null;
    }

    private async Task SaveAsync()
    {
        errors.Clear();
        generalError = null;
        saving = true;
        try
        {
            var names = drafts.ToList<string?>();
            var saved = await Run.RunAsync<DatasetService, List<string>>(s => s.RenameClassesAsync(UserId, DatasetId, names));
            editing = false;
            Snackbar.Add("Class names saved.", Severity.Success);
            await Renamed.InvokeAsync(saved);
        }
        catch (RequestRejectedException e) when (FieldIndex(e.Field) is { } index)
        {
            errors[index] = e.Message;
        }
        catch (Exception e) when (e is RequestRejectedException or AccessDeniedException)
        {
            generalError = "Not saved: " + e.Message;
        }
        finally
        {
            saving = false;
        }
    }

    private static int? FieldIndex(string? field) =>
        field is not null && Regex.Match(field, @"^names\[(\d+)\]$") is { Success: true } m ? int.Parse(m.Groups[1].Value) : null;
}
