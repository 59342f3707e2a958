using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;
using Xunit.Abstractions;

namespace VaeWorkbench.E2E;

/// <summary>
/// Judges every main page in a real browser, at desktop (1440x900) and phone (375x812) width, in the light and the dark
/// theme: no sideways scroll, no serious or critical axe-core violation, and no raw ids, JSON or Razor text in the
/// visible page. Each page is its own test case; they share one seeded server and one browser. Screenshots of every
/// page, width and theme land in <c>screenshots/pages/</c>, and each page's time in <c>screenshots/pages/timing.log</c>.
/// One page: <c>dotnet test tests/VaeWorkbench.E2E --filter "FullyQualifiedName~PageChecksTests&amp;DisplayName~model-detail"</c>.
/// </summary>
public sealed partial class PageChecksTests(PageChecksWorkspace workspace, ITestOutputHelper output) : IClassFixture<PageChecksWorkspace>
{
    private sealed record PageSpec(string Name, Func<PageChecksWorkspace, string> Url, bool SignedIn = true);

    private static readonly PageSpec[] AllPages =
    [
        new("home", _ => "/"),
        new("datasets", _ => "/datasets"),
        new("dataset-detail", w => $"/datasets/{w.DatasetId}"),
        new("runs", _ => "/runs"),
        new("new-run", _ => "/runs/new"),
        new("run-detail", w => $"/runs/{w.RunId}"),
        new("run-compare", w => $"/runs/compare?ids={w.RunId},{w.SecondRunId}"),
        new("models", _ => "/models"),
        new("model-detail", w => $"/models/{w.ModelId}"),
        new("registry-model", _ => $"/registry/{PageChecksWorkspace.ModelName}"),
        new("model-card", _ => $"/registry/{PageChecksWorkspace.ModelName}/versions/1"),
        new("import-model", _ => "/registry/import"),
        new("augmented-sets", _ => "/augmented"),
        new("augmented-set-detail", w => $"/augmented/{w.AugmentedSetId}"),
        new("generate", w => $"/models/{w.ModelId}/generate"),
        new("review", w => $"/review?job={w.ScoreJobId}"),
        new("team", _ => "/team"),
        new("profile", _ => "/profile"),
        new("admin-backups", _ => "/admin/backups"),
        new("sign-in", _ => "/account/login", SignedIn: false),
        new("register", _ => "/account/register", SignedIn: false),
        new("join", w => $"/join/{w.JoinCode}", SignedIn: false),
    ];

    private static readonly (int Width, int Height)[] Viewports = [(1440, 900), (375, 812)];
    private static readonly string[] Themes = ["light", "dark"];

    public static TheoryData<string> Pages => new(AllPages.Select(p => p.Name));

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_has_no_sideways_scroll_no_serious_axe_violation_and_no_raw_text(string name)
    {
        var spec = AllPages.Single(p => p.Name == name);
        var clock = Stopwatch.StartNew();
        // The four sizes and themes load side by side, each in its own browser context: most of a check is waiting
        // (for the circuit, the page's data, axe), which overlaps well even on two cores.
        var checks = Viewports.SelectMany(v => Themes.Select(theme => CheckAsync(spec, v.Width, v.Height, theme)));
        var problems = (await Task.WhenAll(checks)).SelectMany(p => p).ToList();

        var timing = $"{name}: {clock.Elapsed.TotalSeconds:F1} s; class so far {workspace.Elapsed.TotalSeconds:F0} s (seeding {workspace.SeedTime.TotalSeconds:F0} s)";
        output.WriteLine(timing);
        await File.AppendAllTextAsync(Path.Combine(ShotDirectory, "timing.log"), $"{DateTime.UtcNow:HH:mm:ss} {timing}\n");
        Assert.True(problems.Count == 0, $"{name} ({spec.Url(workspace)}) has {problems.Count} problem(s):\n" + string.Join("\n", problems));
    }

    private static string ShotDirectory
    {
        get
        {
            var dir = Path.Combine(RepoPaths.ScreenshotDirectory, "pages");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>Opens the page at one size and theme and checks it, and each of its tabs if it has any.</summary>
    private async Task<List<string>> CheckAsync(PageSpec spec, int width, int height, string theme)
    {
        var problems = new List<string>();
        var context = await workspace.Browser.Browser.NewContextAsync(new()
        {
            BaseURL = workspace.Server.BaseUrl, ViewportSize = new() { Width = width, Height = height }, ColorScheme = theme == "dark" ? ColorScheme.Dark : ColorScheme.Light,
        });
        var where = $"[{spec.Name} {width} {theme}]";
        try
        {
            await context.AddCookiesAsync([new Cookie { Name = "vwb.theme", Value = theme, Url = workspace.Server.BaseUrl }]);
            if (spec.SignedIn) await context.AddCookiesAsync(workspace.SignInCookies);
            var page = await context.NewPageAsync();
            page.Console += (_, m) => { if (m.Type == "error") output.WriteLine($"{where} console error: {m.Text}"); };
            var clock = Stopwatch.StartNew();
            await page.GotoAsync(spec.Url(workspace));
            await WaitUntilReadyAsync(page, spec, where);
            output.WriteLine($"{where} ready in {clock.Elapsed.TotalSeconds:F1} s");

            var tabs = page.Locator("main [role='tab']");
            var tabCount = await tabs.CountAsync();
            if (tabCount == 0)
            {
                problems.AddRange(await CheckStateAsync(page, where, $"{spec.Name}-{width}-{theme}"));
                return problems;
            }
            for (var i = 0; i < tabCount; i++)
            {
                var tab = tabs.Nth(i);
                var tabName = (await tab.InnerTextAsync()).Trim();
                if (await tab.GetAttributeAsync("aria-selected") != "true")
                {
                    await tab.ClickAsync();
                    await SettleAsync(page, where);
                }
                problems.AddRange(await CheckStateAsync(page, $"[{spec.Name} tab '{tabName}' {width} {theme}]", $"{spec.Name}-{Slug(tabName)}-{width}-{theme}"));
            }
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            problems.Add($"{where} could not be checked: {e.Message.Split('\n')[0]}");
            var page = context.Pages.FirstOrDefault();
            if (page is not null)
                await page.ScreenshotAsync(new() { Path = Path.Combine(ShotDirectory, $"{spec.Name}-{width}-{theme}.png"), FullPage = true });
        }
        finally
        {
            await context.CloseAsync();
        }
        return problems;
    }

    /// <summary>Waits for the live page (the circuit has rendered it), then for its data and pictures.</summary>
    private async Task WaitUntilReadyAsync(IPage page, PageSpec spec, string where)
    {
        // Sign-in pages render statically; every other page is interactive once the circuit has rendered it, and shows
        // its content once the layout has loaded the workspace (until then it shows one progress circle).
        if (spec.SignedIn)
        {
            await page.WaitForInteractivityAsync();
            await page.Locator("main[data-interactive='true'] > :not(.mud-progress-circular)").First.WaitForAsync(new() { Timeout = 30_000 });
        }
        else
        {
            await page.Locator("main :is(h1, h2, #email)").First.WaitForAsync(new() { Timeout = 30_000 });
        }
        await SettleAsync(page, where);
    }

    /// <summary>
    /// Waits (at most 30 s) until nothing in the main area shows an indeterminate progress indicator or skeleton and
    /// every image has loaded, then lets transitions (MudBlazor's are 300 ms) finish.
    /// </summary>
    private async Task SettleAsync(IPage page, string where)
    {
        try
        {
            await page.WaitForFunctionAsync(
                """
                () => {
                    const busy = [...document.querySelectorAll('main .mud-progress-indeterminate, main .mud-skeleton, main .rz-progressbar-circular, main .rz-progressbar-indeterminate')]
                        .some(e => e.checkVisibility());
                    return !busy && [...document.images].every(i => i.complete);
                }
                """, null, new() { Timeout = 30_000, PollingInterval = 100 });
        }
        catch (TimeoutException)
        {
            output.WriteLine($"{where} still loading after 30 s; checked as it was");
        }
        await page.WaitForTimeoutAsync(400);
    }

    /// <summary>The checks on the page as it is now; a full-page screenshot whatever they find.</summary>
    private async Task<List<string>> CheckStateAsync(IPage page, string where, string shotName)
    {
        var problems = new List<string>();
        var clock = Stopwatch.StartNew();
        await page.ScreenshotAsync(new() { Path = Path.Combine(ShotDirectory, shotName + ".png"), FullPage = true });
        var shot = clock.Elapsed;

        var scroll = await page.EvaluateAsync<JsonElement>(ScrollScript);
        int scrollWidth = scroll.GetProperty("scrollWidth").GetInt32(), innerWidth = scroll.GetProperty("innerWidth").GetInt32();
        if (scrollWidth > innerWidth)
            problems.Add($"{where} scrolls sideways: scrollWidth {scrollWidth} > innerWidth {innerWidth}; reaching past the edge: "
                         + string.Join(", ", scroll.GetProperty("culprits").EnumerateArray().Select(c => c.GetString())));

        var axeStart = clock.Elapsed;
        await page.WaitForAnimationsAsync();
        var axe = await page.RunAxe(AxeOptions);
        var axeTime = clock.Elapsed - axeStart;
        foreach (var violation in axe.Violations.Where(v => v.Impact is "serious" or "critical"))
        {
            var targets = violation.Nodes.Select(n => n.Target?.ToString() ?? "?").ToList();
            var first = violation.Nodes.FirstOrDefault();
            var why = first is null ? null
                : new[] { first.Any, first.All, first.None }.Where(checks => checks is not null).SelectMany(checks => checks.Select(c => c.Message)).FirstOrDefault(m => !string.IsNullOrEmpty(m));
            problems.Add($"{where} axe {violation.Id} ({violation.Impact}): {violation.Help}; {targets.Count} node(s): {string.Join(" | ", targets.Take(6))}"
                         + (targets.Count > 6 ? " | …" : "") + $"; first: {Clip(first?.Html, 110)}" + (why is null ? "" : $" ({Clip(why, 140)})"));
        }

        var text = await page.EvaluateAsync<string>("() => document.body.innerText");
        foreach (var (what, pattern) in RawTextPatterns)
        {
            var found = pattern.Matches(text).Select(m => Around(text, m)).Distinct().ToList();
            if (found.Count > 0)
                problems.Add($"{where} shows {what}: {string.Join(" | ", found.Take(4))}{(found.Count > 4 ? $" | … ({found.Count} in all)" : "")}");
        }
        output.WriteLine($"{where} screenshot {shot.TotalSeconds:F1} s, axe {axeTime.TotalSeconds:F1} s, all checks {clock.Elapsed.TotalSeconds:F1} s");
        return problems;
    }

    /// <summary>Only violations come back in full: the passes' node lists are large and unused.</summary>
    private static readonly AxeRunOptions AxeOptions = new() { ResultTypes = [ResultType.Violations] };

    private static readonly (string What, Regex Pattern)[] RawTextPatterns =
    [
        ("a raw GUID", RawGuid()),
        ("JSON", JsonText()),
        ("Razor expression text", RazorText()),
    ];

    /// <summary>The match with a little text either side, on one line.</summary>
    private static string Around(string text, Match match)
    {
        var start = Math.Max(0, match.Index - 30);
        var end = Math.Min(text.Length, match.Index + match.Length + 30);
        return "«" + Regex.Replace(text[start..end], @"\s+", " ") + "»";
    }

    private static string Clip(string? text, int length) =>
        text is null ? "" : Regex.Replace(text, @"\s+", " ") is var t && t.Length > length ? t[..length] + "…" : t;

    private static string Slug(string text) => Regex.Replace(text.ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-') is { Length: > 0 } s ? s : "tab";

    /// <summary>The page's width against the window's, and the innermost elements reaching past the right edge.</summary>
    private const string ScrollScript =
        """
        () => {
            const inner = window.innerWidth;
            const over = [...document.body.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > inner + 0.5 && e.checkVisibility());
            const innermost = over.filter(e => !over.some(o => o !== e && e.contains(o)));
            const describe = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + [...e.classList].slice(0, 3).map(c => '.' + c).join('')
                + ' (right ' + Math.round(e.getBoundingClientRect().right) + ')';
            return { scrollWidth: document.documentElement.scrollWidth, innerWidth: inner, culprits: innermost.slice(0, 5).map(describe) };
        }
        """;

    [GeneratedRegex(@"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b|\b[0-9a-fA-F]{32}\b")]
    private static partial Regex RawGuid();

    /// <summary>An object or array of objects opening, or a quoted key followed by a colon.</summary>
    [GeneratedRegex(@"\{\s*""|\[\s*\{|""[A-Za-z_][A-Za-z0-9_]*""\s*:")]
    private static partial Regex JsonText();

    /// <summary><c>@(</c>, <c>@{</c>, and C# interpolation holes left as text: <c>{model.Name}</c>, <c>{count}</c>, <c>{x:N0}</c>.</summary>
    [GeneratedRegex(@"@\(|@\{|\{[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_]|\{[A-Za-z_][A-Za-z0-9_]*(:[^}\s]*)?\}")]
    private static partial Regex RazorText();
}
