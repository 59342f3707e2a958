using System.Text.RegularExpressions;
using MudBlazor;
using VaeWorkbench.Web.Components.Pages.Augment;

namespace VaeWorkbench.Web.Components.Tests.Augment;

public sealed partial class AugmentedSetDetailTests : WorkbenchTestContext
{
    [Fact]
    public async Task The_provenance_reads_as_words_and_ids_sit_only_behind_details()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var (model, dataset) = await AddTrainedModelAsync(user, "digits");
        var set = await AddAugmentedSetAsync(user, model, dataset, kept: 200, seed: 42);

        var page = Render<AugmentedSetDetail>(p => p.Add(c => c.Id, set));

        page.WaitForAssertion(() => Assert.Equal("Succeeded", page.Find("#set-status").TextContent.Trim()));
        Assert.Equal("Prior samples from digits", page.Find("#set-title").TextContent);
        Assert.Equal("Generated from the model trained on digits: 200 samples from the prior at temperature 1, seed 42.", page.Find("#set-provenance-summary").TextContent);
        Assert.Equal("No quality filter: every generated sample was kept.", page.Find("#set-filter").TextContent);
        Assert.Equal("200 kept of 200 generated", page.Find("#set-counts").TextContent);
        Assert.Contains(set.ToString(), page.Find("#set-details").TextContent);
        var outside = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(page.Markup);
        outside.QuerySelector("#set-details")!.Remove();
        Assert.DoesNotMatch(Guid(), outside.Body!.TextContent);
        Assert.DoesNotContain("{", outside.Body.TextContent);
    }

    [Fact]
    public async Task A_model_registered_in_the_team_is_named_by_its_registry_name_and_version()
    {
        var user = await SignInAsync(TeamRole.Owner);
        var (model, dataset) = await AddTrainedModelAsync(user, "fashion");
        var set = await AddAugmentedSetAsync(user, model, dataset);
        await QueryAsync(db =>
        {
            var registered = new RegisteredModel { Id = System.Guid.NewGuid(), TeamId = user.TeamId, Name = "fashion-shirts", CreatedByUserId = user.UserId, CreatedAt = DateTimeOffset.UtcNow };
            db.RegisteredModels.Add(registered);
            db.ModelVersions.Add(new ModelVersion
            {
                Id = System.Guid.NewGuid(), RegisteredModelId = registered.Id, Version = 2, SourceModelId = model, FileHash = "ab" + model.ToString("N"),
                ConfigJson = "{}", MetricsJson = "{}", SampleGridHash = "00", CreatedByUserId = user.UserId, CreatedAt = DateTimeOffset.UtcNow,
            });
            return db.SaveChangesAsync();
        });

        var page = Render<AugmentedSetDetail>(p => p.Add(c => c.Id, set));

        page.WaitForAssertion(() => Assert.StartsWith("Generated from fashion-shirts v2:", page.Find("#set-provenance-summary").TextContent));
    }

    [Fact]
    public async Task Delete_asks_first_and_keeping_the_set_leaves_it()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var (model, dataset) = await AddTrainedModelAsync(user);
        var set = await AddAugmentedSetAsync(user, model, dataset);
        var dialogs = Render<MudDialogProvider>();
        var page = Render<AugmentedSetDetail>(p => p.Add(c => c.Id, set));
        page.WaitForAssertion(() => page.Find("#delete-set"));

        page.Find("#delete-set").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Delete this augmented set and its images?", dialogs.Markup));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Keep").Click();

        dialogs.WaitForAssertion(() => Assert.DoesNotContain("Delete this augmented set", dialogs.Markup));
        Assert.Equal(1, await QueryAsync(db => Task.FromResult(db.AugmentedSets.Count())));

        page.Find("#delete-set").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Delete this augmented set and its images?", dialogs.Markup));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();

        page.WaitForAssertion(() => Assert.EndsWith("/augmented", Navigation.Uri));
        Assert.Equal(0, await QueryAsync(db => Task.FromResult(db.AugmentedSets.Count())));
    }

    [Fact]
    public async Task Another_teams_set_is_not_found()
    {
        await SignInAsync(TeamRole.Editor);

        var page = Render<AugmentedSetDetail>(p => p.Add(c => c.Id, System.Guid.NewGuid()));

        page.WaitForAssertion(() => Assert.Contains("does not exist", page.Find("#set-not-found").TextContent));
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();
}
