using System.Text.RegularExpressions;
using AngleSharp.Dom;
using VaeWorkbench.Web.Components.Pages.Registry;
using VaeWorkbench.Web.Components.Registry;

namespace VaeWorkbench.Web.Components.Tests.Registry;

/// <summary>Where a version came from reads as a sentence whose names link to their objects; ids and JSON stay under Details.</summary>
public sealed partial class ProvenanceTests : WorkbenchTestContext
{
    [Fact]
    public async Task A_version_from_a_run_says_in_words_which_run_and_dataset_trained_it_and_links_them()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        var datasetId = await AddReadyDatasetAsync(user, "fashion-10k");
        var run = await QueueRunAsync(user, datasetId, epochs: 20);
        await this.AddVersionAsync(user, "night-conv", run.Id, datasetId, epochs: 20);

        var card = Render<ModelCardPage>(p => p.Add(c => c.Name, "night-conv").Add(c => c.Version, 1));

        var sentence = await card.WaitForElementAsync("#card-provenance");
        Assert.Equal("Trained from an MLP run on dataset fashion-10k, 20 epochs.", Normalized(sentence.TextContent));
        var links = sentence.QuerySelectorAll("a").Select(a => (Normalized(a.TextContent), a.GetAttribute("href"))).ToList();
        Assert.Equal([("an MLP run", $"runs/{run.Id}"), ("fashion-10k", $"datasets/{datasetId}")], links);
    }

    [Fact]
    public async Task An_imported_version_says_so_and_links_nothing_that_is_not_there()
    {
        var user = await SignInAsync(TeamRole.Viewer);
        await this.AddVersionAsync(user, "from-elsewhere", epochs: 1);

        var card = Render<ModelCardPage>(p => p.Add(c => c.Name, "from-elsewhere").Add(c => c.Version, 1));

        var sentence = await card.WaitForElementAsync("#card-provenance");
        Assert.Equal("Imported from a .vae file, trained elsewhere for 1 epoch.", Normalized(sentence.TextContent));
        Assert.Empty(sentence.QuerySelectorAll("a"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task No_id_json_or_json_key_shows_outside_the_details_panel(bool versionCard)
    {
        var user = await SignInAsync(TeamRole.Editor);
        var datasetId = await AddReadyDatasetAsync(user, "fashion-10k");
        var run = await QueueRunAsync(user, datasetId);
        await this.AddVersionAsync(user, "night-conv", run.Id, datasetId, tags: ["fashion"]);
        await this.AddVersionAsync(user, "night-conv");

        if (versionCard) await CheckAsync(Render<ModelCardPage>(p => p.Add(c => c.Name, "night-conv").Add(c => c.Version, 1)));
        else await CheckAsync(Render<RegisteredModelPage>(p => p.Add(c => c.Name, "night-conv")));

        async Task CheckAsync<T>(IRenderedComponent<T> page) where T : Microsoft.AspNetCore.Components.IComponent
        {
            await page.WaitForElementAsync(".vwb-details");
            // The raw record is on the page, behind Details: the checks below would catch it anywhere else.
            var details = string.Concat(page.FindAll(".vwb-details").Select(d => d.TextContent));
            Assert.Contains(run.Id.ToString(), details);
            Assert.Contains("\"valLoss\"", details);

            var visible = VisibleText(page.Nodes);
            Assert.DoesNotMatch(GuidPattern(), visible);
            Assert.DoesNotContain("{", visible);
            Assert.DoesNotContain("}", visible);
            Assert.DoesNotMatch(CamelCaseKey(), visible);
            Assert.Contains("Validation loss", visible);
            Assert.Contains("Trained from an MLP run on dataset fashion-10k", visible);
        }
    }

    /// <summary>The text a person sees with every Details panel closed: the panels' contents are left out whether or not they are rendered.</summary>
    internal static string VisibleText(INodeList nodes)
    {
        var text = new System.Text.StringBuilder();
        foreach (var node in nodes) Walk(node, text);
        return Normalized(text.ToString());

        static void Walk(INode node, System.Text.StringBuilder text)
        {
            if (node is IElement element && (element.ClassList.Contains("vwb-details") || element.LocalName is "script" or "style")) return;
            if (node.NodeType == NodeType.Text) text.Append(node.TextContent).Append(' ');
            foreach (var child in node.ChildNodes) Walk(child, text);
        }
    }

    private static string Normalized(string text) => Regex.Replace(text, @"\s+", " ").Trim();

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidPattern();

    // A JSON key such as valLoss or convWidths: a lower-case word running into an upper-case letter.
    [GeneratedRegex(@"\b[a-z]+[A-Z][a-zA-Z]*\b")]
    private static partial Regex CamelCaseKey();
}
