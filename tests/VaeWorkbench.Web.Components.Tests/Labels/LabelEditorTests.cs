using AngleSharp.Dom;
using VaeWorkbench.Web.Components.Pages.Augment;
using VaeWorkbench.Web.Components.Pages.Registry;
using VaeWorkbench.Web.Components.Pages.Runs;
using VaeWorkbench.Web.Components.Tests.Registry;
using VaeWorkbench.Web.Labels;
using VaeWorkbench.Web.Runs;

namespace VaeWorkbench.Web.Components.Tests.Labels;

/// <summary>Names, tags and notes edited in place on the run, registered model and augmented set pages (LabelEditor).</summary>
public sealed class LabelEditorTests : WorkbenchTestContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_editor_renames_tags_and_annotates_a_run_in_place_and_it_is_saved()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var run = await QueueRunAsync(user, await AddReadyDatasetAsync(user, "digits"));
        var page = Render<RunDetail>(p => p.Add(c => c.RunId, run.Id));

        page.Find("#label-edit").Click();
        page.Find("#label-name-field").Input("  baseline mlp  ");
        page.Find("#label-tag-field").Input("baseline");
        page.Find("#label-tag-add").Click();
        page.Find("#label-tag-field").Input("mnist");
        page.Find("#label-tag-field").KeyDown("Enter");
        page.Find("#label-tag-field").Input("Baseline"); // the same tag in other case: kept once
        page.Find("#label-tag-add").Click();
        page.Find("#label-notes-field").Change("β = 1.\nTry β = 4 next.");
        page.Find("#label-save").Click();

        page.WaitForAssertion(() => Assert.Equal("Run baseline mlp on digits", page.Find("h1#label-name").TextContent), Wait);
        Assert.Empty(page.FindAll("#label-save"));
        Assert.Equal(["baseline", "mnist"], page.FindAll(".vwb-tag").Select(t => t.TextContent.Trim()));
        Assert.Equal("β = 1.\nTry β = 4 next.", page.Find("#label-notes").TextContent);
        var stored = await QueryAsync(db => Task.FromResult(db.TrainingRuns.Single(r => r.Id == run.Id)));
        Assert.Equal(("baseline mlp", "β = 1.\nTry β = 4 next."), (stored.Name, stored.Notes));
        Assert.Equal(["baseline", "mnist"], LabelRules.ReadTags(stored.TagsJson));
        // The same service call as PATCH: the change is audited.
        Assert.Equal(1, await QueryAsync(db => Task.FromResult(db.AuditEntries.Count(e => e.Action == Audit.AuditActions.RunLabelled))));
    }

    [Fact]
    public async Task A_refused_name_is_named_at_its_field_and_nothing_changes()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var run = await QueueRunAsync(user, await AddReadyDatasetAsync(user));
        var page = Render<RunDetail>(p => p.Add(c => c.RunId, run.Id));

        page.Find("#label-edit").Click();
        page.Find("#label-name-field").Input("   ");
        page.Find("#label-notes-field").Change("changed");
        page.Find("#label-save").Click();

        page.WaitForAssertion(() => Assert.Equal("A run name must not be empty.", ErrorAt(page.Find("#label-name-field"))), Wait);
        Assert.Null(ErrorAt(page.Find("#label-notes-field")));
        Assert.NotEmpty(page.FindAll("#label-save"));
        var stored = await QueryAsync(db => Task.FromResult(db.TrainingRuns.Single(r => r.Id == run.Id)));
        Assert.Equal((run.Name, ""), (stored.Name, stored.Notes));

        page.Find("#label-cancel").Click();
        Assert.Equal($"Run {run.Name} on digits", page.Find("h1#label-name").TextContent);
    }

    [Fact]
    public async Task A_refused_tag_is_named_at_the_tag_field_as_it_is_added()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var run = await QueueRunAsync(user, await AddReadyDatasetAsync(user));
        var page = Render<RunDetail>(p => p.Add(c => c.RunId, run.Id));

        page.Find("#label-edit").Click();
        page.Find("#label-tag-field").Input("bad\u202Etag");
        page.Find("#label-tag-add").Click();

        Assert.Equal("A tag cannot contain right-to-left or left-to-right control characters.", ErrorAt(page.Find("#label-tag-field")));
        Assert.Empty(page.FindAll("#label-tag-list .vwb-tag"));
    }

    [Fact]
    public async Task A_viewer_reads_the_name_tags_and_notes_without_an_edit_button()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var run = await QueueRunAsync(user, await AddReadyDatasetAsync(user, "digits"));
        await RunAsync<RunService, LabelsResponse>(s => s.UpdateLabelsAsync(user.OwnerId, run.Id, new LabelPatch("first try", ["baseline"], "Loss plateaus at 95.")));

        var page = Render<RunDetail>(p => p.Add(c => c.RunId, run.Id));

        Assert.Equal("Run first try on digits", page.Find("h1#label-name").TextContent);
        Assert.Equal(["baseline"], page.FindAll(".vwb-tag").Select(t => t.TextContent.Trim()));
        Assert.Equal("Loss plateaus at 95.", page.Find("#label-notes").TextContent);
        Assert.Empty(page.FindAll("#label-edit"));
        Assert.Empty(page.FindAll("input, textarea"));
    }

    [Fact]
    public async Task Renaming_a_registered_model_moves_its_page_to_the_new_name_and_a_taken_name_is_refused_at_the_field()
    {
        var user = await SignInAsync(TeamRole.Editor);
        await this.AddVersionAsync(user, "fashion");
        await this.AddVersionAsync(user, "digits");
        var page = Render<RegisteredModelPage>(p => p.Add(c => c.Name, "fashion"));

        page.Find("#label-edit").Click();
        page.Find("#label-name-field").Input("digits");
        page.Find("#label-save").Click();
        page.WaitForAssertion(() => Assert.Equal("The team already has a registered model named 'digits'.", ErrorAt(page.Find("#label-name-field"))), Wait);

        page.Find("#label-name-field").Input("fashion-shirts");
        page.Find("#label-save").Click();
        page.WaitForAssertion(() => Assert.EndsWith("/registry/fashion-shirts", Navigation.Uri), Wait);
        Assert.True(await QueryAsync(db => Task.FromResult(db.RegisteredModels.Any(m => m.Name == "fashion-shirts"))));
    }

    [Fact]
    public async Task An_augmented_set_is_labelled_in_place_through_its_service()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var (model, dataset) = await AddTrainedModelAsync(user);
        var setId = await AddAugmentedSetAsync(user, model, dataset);
        var page = Render<AugmentedSetDetail>(p => p.Add(c => c.Id, setId));

        page.WaitForElement("#label-edit").Click();
        page.Find("#label-name-field").Input("shirts for balance");
        page.Find("#label-tag-field").Input("v2");
        page.Find("#label-save").Click(); // a typed tag that was not added yet is kept

        page.WaitForAssertion(() => Assert.Equal("shirts for balance", page.Find("h1#label-name").TextContent), Wait);
        var stored = await QueryAsync(db => Task.FromResult(db.AugmentedSets.Single(s => s.Id == setId)));
        Assert.Equal(("shirts for balance", "[\"v2\"]"), (stored.Name, stored.TagsJson));
    }

    /// <summary>The message MudBlazor shows under the field whose input (or textarea) is <paramref name="input"/>, or null.</summary>
    internal static string? ErrorAt(IElement input) =>
        input.Closest(".mud-input-control")?.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim() is { Length: > 0 } text ? text : null;
}
