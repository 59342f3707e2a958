using VaeWorkbench.Web.Components.Pages.Models;

namespace VaeWorkbench.Web.Components.Tests.Models;

public sealed class ModelDetailTests : WorkbenchTestContext
{
    [Fact]
    public async Task The_tab_named_in_the_query_string_is_the_one_shown()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var (modelId, _, _) = await this.AddModelWithFileAsync(user);
        Navigation.NavigateTo($"models/{modelId}?tab=versions");

        var page = Render<ModelDetail>(p => p.Add(c => c.ModelId, modelId));

        page.WaitForElement("#model-versions-tab");
        Assert.Contains("mud-tab-active", page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Versions").ClassList);
        // Panels load when first opened: the overview's evaluation never started.
        Assert.Empty(page.FindAll("#metrics-panel"));
        Assert.Equal("Model trained on fashion", page.Find("h1").TextContent.Trim());
    }

    [Fact]
    public async Task Choosing_a_tab_puts_it_in_the_url_and_a_reload_opens_it_again()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var (modelId, _, _) = await this.AddModelWithFileAsync(user);
        Navigation.NavigateTo($"models/{modelId}?tab=card");
        var page = Render<ModelDetail>(p => p.Add(c => c.ModelId, modelId));
        page.WaitForElement("#model-card-tab");

        page.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Versions").Click();

        Assert.EndsWith($"models/{modelId}?tab=versions", Navigation.Uri);
        page.WaitForElement("#model-versions-tab");
        // What a reload does: the page rendered afresh from the URL.
        var reloaded = Render<ModelDetail>(p => p.Add(c => c.ModelId, modelId));
        reloaded.WaitForElement("#model-versions-tab");
        Assert.Contains("mud-tab-active", reloaded.FindAll(".mud-tab").Single(t => t.TextContent.Trim() == "Versions").ClassList);
    }

    [Fact]
    public async Task An_unknown_tab_opens_the_overview_with_readable_configuration()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var (modelId, _, _) = await this.AddModelWithFileAsync(user);
        Navigation.NavigateTo($"models/{modelId}?tab=nonsense");

        var page = Render<ModelDetail>(p => p.Add(c => c.ModelId, modelId));

        page.WaitForElement("#model-metrics");
        var config = page.Find("#model-config").TextContent;
        Assert.Contains("Conv widths", config);
        Assert.Contains("Observation scale", config);
        Assert.DoesNotContain("convWidths", page.Markup);
        Assert.DoesNotContain("\"architecture\"", page.Markup);
    }

    [Fact]
    public async Task An_unregistered_model_explains_its_missing_card_and_versions_and_links_to_its_run()
    {
        var user = await SignInAsync(TeamRole.Editor);
        var (modelId, runId, _) = await this.AddModelWithFileAsync(user);

        foreach (var tab in new[] { "card", "versions" })
        {
            Navigation.NavigateTo($"models/{modelId}?tab={tab}");
            var page = Render<ModelDetail>(p => p.Add(c => c.ModelId, modelId));
            var link = page.WaitForElement("#register-from-run");
            Assert.Equal($"runs/{runId}", link.GetAttribute("href"));
            Assert.Contains("not in the registry", page.Find(".vwb-not-registered").TextContent);
        }
    }

    [Fact]
    public async Task A_registered_model_shows_its_card_and_its_versions()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var (modelId, runId, datasetId) = await this.AddModelWithFileAsync(user);
        await QueryAsync(db =>
        {
            var registered = new RegisteredModel { Id = Guid.NewGuid(), TeamId = user.TeamId, Name = "shoes", Description = "## Intended use\nSorting shoes.", CreatedByUserId = user.OwnerId };
            db.RegisteredModels.Add(registered);
            db.ModelVersions.Add(new ModelVersion
            {
                Id = Guid.NewGuid(), RegisteredModelId = registered.Id, Version = 1, SourceModelId = modelId, RunId = runId, DatasetId = datasetId,
                FileHash = "no-file", TagsJson = "[\"baseline\"]", ConfigJson = "{}", MetricsJson = "{}", SampleGridHash = "none",
                CreatedByUserId = user.OwnerId, CreatedAt = DateTimeOffset.UtcNow,
            });
            return db.SaveChangesAsync();
        });

        Navigation.NavigateTo($"models/{modelId}?tab=card");
        var card = Render<ModelDetail>(p => p.Add(c => c.ModelId, modelId));
        Assert.Equal("Intended use", card.WaitForElement("#model-card-shoes h2").TextContent);
        Assert.Empty(card.FindAll(".vwb-not-registered"));

        Navigation.NavigateTo($"models/{modelId}?tab=versions");
        var versions = Render<ModelDetail>(p => p.Add(c => c.ModelId, modelId));
        var row = versions.WaitForElement("#model-versions tbody tr");
        Assert.Contains("shoes v1", row.TextContent);
        Assert.Contains("baseline", row.TextContent);
        Assert.Equal("registry/shoes/versions/1", row.QuerySelector("a")!.GetAttribute("href"));
    }
}
