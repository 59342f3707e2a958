using AngleSharp.Dom;
using Ganss.Xss;
using Markdig;
using Markdig.Extensions.AutoLinks;
using Markdig.Extensions.EmphasisExtras;

namespace VaeWorkbench.Web.Registry;

/// <summary>
/// Turns a model card's Markdown into HTML that is safe to put into a page. Markdig renders it (raw HTML included, as
/// Markdown allows), and everything it produces then goes through an allowlist sanitiser: only the elements Markdown
/// itself makes survive, links may lead only to http, https, mailto or relative addresses, and no attribute can carry
/// script. Images become links to the picture: the pages' Content-Security-Policy loads pictures only from the workbench
/// itself, and a card must not make every reader's browser fetch an address of the author's choosing (say, a download
/// that would be logged in the reader's name). The one way from a card to a page or a response is <see cref="Render"/>.
/// </summary>
public sealed class ModelCardRenderer
{
    /// <summary>Added to every link: a card's author must not reach the opening page, learn where readers come from, or gain rank from it.</summary>
    public const string LinkRel = "noopener noreferrer nofollow";

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseTaskLists()
        .UseAutoLinks(new AutoLinkOptions { UseHttpsForWWWLinks = true })
        .UseEmphasisExtras(EmphasisExtraOptions.Strikethrough)
        .Build();

    private static readonly string[] AllowedTags =
    [
        "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "ul", "ol", "li", "pre", "code", "em", "strong", "del",
        "table", "thead", "tbody", "tr", "th", "td", "a", "img", "input",
    ];

    // No class, id, name or style: a card cannot borrow the app's styles, overlay its controls or clobber DOM names.
    private static readonly string[] AllowedAttributes = ["href", "title", "src", "alt", "start", "type", "checked", "disabled"];

    // Thread-safe once configured (HtmlSanitizer's documented contract), so one instance serves every request.
    private readonly HtmlSanitizer _sanitizer = CreateSanitizer();

    public string Render(string markdown) => _sanitizer.Sanitize(Markdown.ToHtml(markdown, Pipeline));

    private static HtmlSanitizer CreateSanitizer()
    {
        // Empty() starts from nothing rather than from the library's broad defaults: what is not listed here is removed.
        var options = HtmlSanitizerOptions.Empty();
        options.AllowedTags.UnionWith(AllowedTags);
        options.AllowedAttributes.UnionWith(AllowedAttributes);
        options.UriAttributes.UnionWith(["href", "src"]);
        options.AllowedSchemes.UnionWith(["http", "https", "mailto"]);
        var sanitizer = new HtmlSanitizer(options);
        sanitizer.FilterUrl += (_, e) =>
        {
            // A picture's link must name an absolute http(s) address: not mailto, not a path into this app.
            if (e.Tag.LocalName == "img" && !IsAbsoluteHttp(e.SanitizedUrl)) e.SanitizedUrl = null;
        };
        sanitizer.PostProcessDom += (_, e) => ApplyMarkdownShapes(e.Document);
        return sanitizer;
    }

    /// <summary>Rules the allowlist cannot say by itself: what becomes of images, which inputs stay, and how links open.</summary>
    private static void ApplyMarkdownShapes(IDocument document)
    {
        foreach (var image in document.QuerySelectorAll("img")) image.Replace(LinkOrTextFor(image, document));
        foreach (var link in document.QuerySelectorAll("a")) link.SetAttribute("rel", LinkRel);
        foreach (var input in document.QuerySelectorAll("input"))
        {
            // Markdown makes inputs only for task lists: a disabled checkbox. Anything else came from raw HTML.
            if (!string.Equals(input.GetAttribute("type"), "checkbox", StringComparison.OrdinalIgnoreCase)) input.Remove();
            else input.SetAttribute("disabled", "disabled");
        }
    }

    /// <summary>
    /// A link to the picture named by its description (or its address); only the description when it has no safe address
    /// or already sits inside a link (links do not nest).
    /// </summary>
    private static INode LinkOrTextFor(IElement image, IDocument document)
    {
        var source = image.GetAttribute("src");
        var description = image.GetAttribute("alt") is { Length: > 0 } alt ? alt : source ?? "";
        if (source is null || image.Closest("a") is not null) return document.CreateTextNode(description);
        var link = document.CreateElement("a");
        link.SetAttribute("href", source);
        link.TextContent = description;
        return link;
    }

    private static bool IsAbsoluteHttp(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
