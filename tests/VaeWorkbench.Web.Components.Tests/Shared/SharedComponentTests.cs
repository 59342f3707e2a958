using VaeWorkbench.Web.Components.Shared;
using VaeWorkbench.Web.Runs;

namespace VaeWorkbench.Web.Components.Tests.Shared;

public sealed class SharedComponentTests : WorkbenchTestContext
{
    [Theory]
    [InlineData(RunStatus.Queued, "mud-icon-default")]
    [InlineData(RunStatus.Running, "mud-info-text")]
    [InlineData(RunStatus.Succeeded, "mud-success-text")]
    [InlineData(RunStatus.Failed, "mud-error-text")]
    [InlineData(RunStatus.Cancelled, "mud-warning-text")]
    public void Run_status_badge_names_the_status_with_an_icon_in_its_colour(RunStatus status, string colourClass)
    {
        var badge = Render<RunStatusBadge>(p => p.Add(c => c.Status, status).AddUnmatched("id", "status")).Find("#status");

        Assert.Equal(status.ToString(), badge.TextContent.Trim());
        Assert.Contains(colourClass, badge.QuerySelector("svg")!.ClassList);
    }

    [Fact]
    public async Task Empty_state_names_the_team_it_is_empty_for()
    {
        await SignInAsync(TeamRole.Viewer, teamName: "Vision lab");

        var page = Render<EmptyState>(p => p.Add(c => c.Title, "Datasets").Add(c => c.Icon, "photo_library").Add(c => c.Description, "Upload images."));

        Assert.Equal("Datasets", page.Find("h1").TextContent);
        Assert.Contains("Nothing here yet for Vision lab.", page.Markup);
        // The icon's ligature name is drawn as MudBlazor's SVG of that icon: no icon font is loaded any more.
        var drawn = page.Find("svg.mud-icon-root").QuerySelectorAll("path").Select(p => p.GetAttribute("d")).Last();
        Assert.Contains($"d=\"{drawn}\"", MudBlazor.Icons.Material.Filled.PhotoLibrary);
    }

    [Theory]
    [InlineData("auto_awesome", MudBlazor.Icons.Material.Filled.AutoAwesome)]
    [InlineData("rule", MudBlazor.Icons.Material.Filled.Rule)]
    [InlineData("no_such_icon_name", MudBlazor.Icons.Material.Filled.Info)]
    [InlineData(MudBlazor.Icons.Material.Filled.Search, MudBlazor.Icons.Material.Filled.Search)]
    public void Material_icon_names_become_mudblazor_svgs(string name, string svg) => Assert.Equal(svg, MaterialIcons.Svg(name));

    [Fact]
    public void Field_shows_its_label_the_control_and_the_help_below_it()
    {
        var field = Render<Field>(p => p.Add(c => c.Label, "Epochs").Add(c => c.Help, "Passes over the training images.")
            .AddChildContent("<input id=\"epochs\" />"));

        Assert.Equal(["Epochs", "", "Passes over the training images."], field.Find(".vwb-field").Children.Select(e => e.TextContent.Trim()));
        Assert.NotNull(field.Find(".vwb-field #epochs"));
    }

    [Fact]
    public void Run_settings_table_says_preset_and_off_for_settings_left_to_defaults()
    {
        var table = Render<RunSettingsTable>(p => p.Add(c => c.Settings, new RunSettings { DatasetId = Guid.NewGuid(), Hidden = [256, 128], Clip = 0, Threads = 2 }));

        var rows = table.FindAll("tr").ToDictionary(r => r.QuerySelector("th")!.TextContent, r => r.QuerySelector("td")!.TextContent);
        Assert.Equal("preset", rows["Latent dimensions"]);
        Assert.Equal("256, 128", rows["Hidden widths"]);
        Assert.Equal("off", rows["Gradient clip"]);
        Assert.Equal("2", rows["Threads"]);
    }
}
