using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using VaeWorkbench.Web.Labels;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Shared;

/// <summary>
/// Edits a labelled object's name, tags and notes in place. It holds no rules of its own: <see cref="Save"/> calls the
/// service method behind the object's <c>PATCH</c> endpoint, and a refusal is shown at the field it names.
/// </summary>
public partial class LabelEditor
{
    private string name = "";
    private List<string> tags = [];
    private string notes = "";
    private bool editing;
    private bool saving;
    private string draftName = "";
    private List<string> draftTags = [];
    private string draftNotes = "";
    private string? newTag;
    private readonly Dictionary<string, string> fieldErrors = [];
    private string? generalError;

    [Parameter, EditorRequired] public string Name { get; set; } = "";

    [Parameter] public IReadOnlyList<string>? Tags { get; set; }

    [Parameter] public string? Notes { get; set; }

    /// <summary>How the page names the object in labels: "run", "model", "set".</summary>
    [Parameter, EditorRequired] public string Noun { get; set; } = "";

    /// <summary>The heading's element id, where a page's tests and links already know it by another.</summary>
    [Parameter] public string HeadingId { get; set; } = "label-name";

    [Parameter] public string? HeadingPrefix { get; set; }

    [Parameter] public string? HeadingSuffix { get; set; }

    /// <summary>Shown beside the heading (a status badge, actions).</summary>
    [Parameter] public RenderFragment? HeadingContent { get; set; }

    /// <summary>Editor or Owner: a Viewer sees the name, tags and notes as text.</summary>
    [Parameter] public bool CanEdit { get; set; }

    /// <summary>The service call behind the object's PATCH endpoint.</summary>
    [Parameter, EditorRequired] public Func<LabelPatch, Task<LabelsResponse>> Save { get; set; } = default!;

    [Parameter] public EventCallback<LabelsResponse> Saved { get; set; }

    [Inject] public ISnackbar Snackbar { get; set; } = default!;

    protected override void OnParametersSet()
    {
        // While editing, a live refresh of the page must not overwrite what the user is typing.
        if (editing) return;
        (name, tags, notes) = (Name, [.. Tags ?? []], Notes ?? "");
    }

    private bool HasError(string field) => fieldErrors.ContainsKey(field);

    private string? ErrorOf(string field) => fieldErrors.GetValueOrDefault(field);

    private void StartEditing()
    {
        (draftName, draftTags, draftNotes, newTag) = (name, [.. tags], notes, null);
        fieldErrors.Clear();
        generalError = null;
        editing = true;
    }

    private void Cancel()
    {
        editing = false;
        fieldErrors.Clear();
        generalError = null;
    }

    private async Task AddTagOnEnter(KeyboardEventArgs e)
    {
        if (e.Key == "Enter") await AddTag();
    }

    /// <summary>Checks the new tag by the same rule the save applies, so a refused tag is named as it is typed in.</summary>
    private Task AddTag()
    {
        fieldErrors.Remove("tags");
        if (string.IsNullOrWhiteSpace(newTag)) return Task.CompletedTask;
        try
        {
            draftTags = LabelRules.Tags([.. draftTags, newTag]);
            newTag = null;
        }
        catch (RequestRejectedException e)
        {
            fieldErrors["tags"] = e.Message;
        }
        return Task.CompletedTask;
    }

    private void RemoveTag(string tag)
    {
        draftTags.Remove(tag);
        fieldErrors.Remove("tags");
    }

    private async Task SaveAsync()
    {
        fieldErrors.Clear();
        generalError = null;
        // A tag typed but not added yet is meant to be kept.
        if (!string.IsNullOrWhiteSpace(newTag))
        {
            await AddTag();
            if (HasError("tags")) return;
        }
        saving = true;
        try
        {
            var saved = await Save(new LabelPatch(draftName, draftTags, draftNotes));
            (name, tags, notes) = (saved.Name, [.. saved.Tags], saved.Notes);
            editing = false;
            Snackbar.Add("Saved.", Severity.Success);
            await Saved.InvokeAsync(saved);
        }
        catch (RequestRejectedException e) when (e.Field is "name" or "tags" or "notes")
        {
            fieldErrors[e.Field] = e.Message;
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
}
