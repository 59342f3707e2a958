using System.Text.RegularExpressions;
using VaeWorkbench.E2E.Infrastructure;

namespace VaeWorkbench.E2E.Guide;

/// <summary>The guide's links and pictures resolve: a renamed page or a screenshot no journey takes any more shows up here.</summary>
public sealed partial class GuideLinksTests
{
    private static readonly string Docs = Path.Combine(RepoPaths.Root, "docs");

    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string> { "README.md" };
        foreach (var file in Directory.EnumerateFiles(Docs, "*.md")) data.Add(Path.GetRelativePath(RepoPaths.Root, file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_relative_link_and_picture_points_at_a_file(string document)
    {
        var path = Path.Combine(RepoPaths.Root, document);
        var folder = Path.GetDirectoryName(path)!;
        var broken = Targets(File.ReadAllText(path))
            .Where(t => !File.Exists(Path.GetFullPath(Path.Combine(folder, t))) && !Directory.Exists(Path.GetFullPath(Path.Combine(folder, t))))
            .ToList();
        Assert.True(broken.Count == 0, $"{document} links to missing files: {string.Join(", ", broken)}");
    }

    [Fact]
    public void Every_picture_in_docs_images_is_shown_by_a_page()
    {
        var shown = Directory.EnumerateFiles(Docs, "*.md")
            .SelectMany(f => Targets(File.ReadAllText(f)))
            .Select(t => Path.GetFullPath(Path.Combine(Docs, t)))
            .ToHashSet();
        var unused = Directory.EnumerateFiles(Path.Combine(Docs, "images"), "*.png", SearchOption.AllDirectories)
            .Where(p => !shown.Contains(Path.GetFullPath(p)))
            .Select(p => Path.GetRelativePath(Docs, p))
            .ToList();
        Assert.True(unused.Count == 0, $"pictures no page shows: {string.Join(", ", unused)}");
    }

    /// <summary>Markdown link and image targets and HTML img sources that are files of the repository (no scheme, no bare anchor).</summary>
    private static IEnumerable<string> Targets(string markdown) =>
        MarkdownTarget().Matches(markdown).Select(m => m.Groups["md"].Success ? m.Groups["md"].Value : m.Groups["img"].Value)
            .Select(t => t.Split('#')[0])
            .Where(t => t.Length > 0 && !t.Contains("://") && !t.StartsWith("mailto:"));

    [GeneratedRegex(@"\]\((?<md>[^)\s]+)\)|<img[^>]*\ssrc=""(?<img>[^""]+)""")]
    private static partial Regex MarkdownTarget();
}
