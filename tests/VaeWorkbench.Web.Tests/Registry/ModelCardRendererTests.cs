using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using VaeWorkbench.Web.Registry;

namespace VaeWorkbench.Web.Tests.Registry;

/// <summary>
/// A model card is Markdown written by any Editor and shown to every member, so nothing in it may run script. Each
/// hostile case checks three things: its construct is gone from the output, the output as a browser parses it holds
/// nothing that can run (elements outside Markdown's own, event attributes, URLs of other schemes, after the browser's
/// own URL clean-up), and the benign text around it still renders, so a renderer that dropped everything would fail.
/// </summary>
public sealed partial class ModelCardRendererTests
{
    private static readonly ModelCardRenderer Renderer = new();

    private static readonly HashSet<string> MarkdownElements =
    [
        "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "ul", "ol", "li", "pre", "code", "em", "strong", "del",
        "table", "thead", "tbody", "tr", "th", "td", "a", "input",
    ];

    [Fact]
    public void A_script_element_is_removed() =>
        AssertSafe("Intro **kept**\n\n<script>alert(1)</script>\n\nOutro", gone: ["<script", "alert(1)"], survives: ["<strong>kept</strong>", "<p>Outro</p>"]);

    [Fact]
    public void A_script_element_inside_a_paragraph_is_removed() =>
        AssertSafe("Before <script>alert(1)</script> after *it*", gone: ["<script", "alert(1)"], survives: ["Before", "after <em>it</em>"]);

    [Fact]
    public void Event_handler_attributes_are_removed() =>
        AssertSafe("<p onclick=\"alert(1)\" onmouseover=\"alert(2)\">Click me</p>", gone: ["onclick", "onmouseover", "alert("], survives: ["<p>Click me</p>"]);

    [Fact]
    public void An_image_with_an_onerror_handler_keeps_only_a_link_to_the_picture() =>
        AssertSafe("<img src=\"https://example.com/chart.png\" alt=\"chart\" onerror=\"alert(1)\">",
            gone: ["onerror", "<img", "alert("], survives: ["href=\"https://example.com/chart.png\"", ">chart</a>"]);

    [Fact]
    public void A_javascript_url_in_an_html_link_is_removed() =>
        AssertSafe("<a href=\"javascript:alert(1)\">docs</a> stay", gone: ["javascript:"], survives: [">docs</a>", "stay"]);

    [Fact]
    public void A_mixed_case_javascript_url_is_removed() =>
        AssertSafe("<a href=\"JaVaScRiPt:alert(1)\">docs</a> stay", gone: ["javascript:"], survives: [">docs</a>", "stay"]);

    [Fact]
    public void A_javascript_url_split_by_an_encoded_tab_is_removed() =>
        AssertSafe("<a href=\"jav&#x09;ascript:alert(1)\">docs</a> stay", gone: ["ascript:", "&#x9;", "&#x09;"], survives: [">docs</a>", "stay"]);

    [Fact]
    public void A_javascript_url_with_an_encoded_colon_and_leading_space_is_removed() =>
        AssertSafe("<a href=\" &#14;javascript&#58;alert(1)\">docs</a> stay", gone: ["javascript", "&#58;"], survives: [">docs</a>", "stay"]);

    [Fact]
    public void A_vbscript_url_is_removed() =>
        AssertSafe("<a href=\"vbscript:msgbox(1)\">docs</a> stay", gone: ["vbscript"], survives: [">docs</a>", "stay"]);

    [Fact]
    public void A_data_url_in_an_html_link_is_removed() =>
        AssertSafe("<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">open</a> stay", gone: ["data:", "base64"], survives: [">open</a>", "stay"]);

    [Fact]
    public void An_iframe_is_removed() =>
        AssertSafe("Above\n\n<iframe src=\"https://evil.example/\" srcdoc=\"<script>alert(1)</script>\"></iframe>\n\nBelow",
            gone: ["<iframe", "evil.example", "srcdoc"], survives: ["<p>Above</p>", "<p>Below</p>"]);

    [Fact]
    public void A_style_element_and_style_attributes_are_removed() =>
        AssertSafe("<style>body { display: none }</style>\n\n<p style=\"background: url(javascript:alert(1))\">styled</p>",
            gone: ["<style", "style=", "display", "javascript"], survives: ["<p>styled</p>"]);

    [Fact]
    public void Object_and_embed_elements_are_removed() =>
        AssertSafe("Plug-ins\n\n<object data=\"https://evil.example/x.swf\"></object><embed src=\"https://evil.example/x.swf\">\n\n**none**",
            gone: ["<object", "<embed", "x.swf"], survives: ["<p>Plug-ins</p>", "<strong>none</strong>"]);

    [Fact]
    public void A_script_inside_svg_is_removed() =>
        AssertSafe("Vector <svg><script>alert(1)</script></svg> art", gone: ["<svg", "<script", "alert("], survives: ["Vector", "art"]);

    [Fact]
    public void An_svg_onload_handler_is_removed() =>
        AssertSafe("Vector <svg onload=\"alert(1)\"><circle r=\"5\"/></svg> art", gone: ["<svg", "onload", "<circle"], survives: ["Vector", "art"]);

    [Fact]
    public void A_mathml_link_is_removed() =>
        AssertSafe("Maths <math><mi xlink:href=\"javascript:alert(1)\">x</mi></math> done", gone: ["<math", "javascript"], survives: ["Maths", "done"]);

    [Fact]
    public void Forms_and_inputs_other_than_task_checkboxes_are_removed() =>
        AssertSafe("<form action=\"https://evil.example/\"><input type=\"text\" autofocus onfocus=\"alert(1)\"><input type=\"submit\"></form>\n\nAfter",
            gone: ["<form", "type=\"text\"", "submit", "onfocus", "evil.example"], survives: ["<p>After</p>"]);

    [Fact]
    public void Meta_refresh_base_and_link_elements_are_removed() =>
        AssertSafe("<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\"><base href=\"https://evil.example/\"><link rel=\"stylesheet\" href=\"https://evil.example/x.css\">\n\nText",
            gone: ["<meta", "<base", "<link", "evil.example"], survives: ["<p>Text</p>"]);

    [Fact]
    public void A_markdown_link_to_a_javascript_url_keeps_only_its_text() =>
        AssertSafe("See [click here](javascript:alert(1)) now", gone: ["javascript:", "alert("], survives: [">click here</a>", "See", "now"]);

    [Fact]
    public void A_markdown_link_to_an_upper_case_javascript_url_keeps_only_its_text() =>
        AssertSafe("See [click here](JAVASCRIPT:alert(1)) now", gone: ["javascript:"], survives: [">click here</a>", "now"]);

    [Fact]
    public void A_markdown_link_with_an_entity_obfuscated_javascript_url_keeps_only_its_text() =>
        AssertSafe("See [click here](jav&#x09;ascript:alert(1)) now", gone: ["ascript:", "&#x9;"], survives: [">click here</a>", "now"]);

    [Fact]
    public void A_markdown_autolink_to_a_javascript_url_is_not_a_link() =>
        AssertSafe("Go <javascript:alert(1)> there", gone: ["href=\"javascript"], survives: ["Go", "there"]);

    [Fact]
    public void A_markdown_link_to_a_data_url_keeps_only_its_text() =>
        AssertSafe("Get [the page](data:text/html,<script>alert(1)</script>) here", gone: ["data:", "<script"], survives: ["here"]);

    [Fact]
    public void A_markdown_image_with_a_data_url_keeps_only_its_description() =>
        AssertSafe("Pixel: ![tiny pixel](data:image/png;base64,iVBORw0KGgo=) end", gone: ["data:", "<img", "base64"], survives: ["tiny pixel", "Pixel:", "end"]);

    [Fact]
    public void A_markdown_image_with_a_javascript_url_keeps_only_its_description() =>
        AssertSafe("![a chart](javascript:alert(1))", gone: ["javascript", "<img"], survives: ["<p>a chart</p>"]);

    [Fact]
    public void An_html_comment_hiding_markup_is_removed() =>
        AssertSafe("Shown <!-- <img src=x onerror=alert(1)> --> too", gone: ["<!--", "onerror"], survives: ["Shown", "too"]);

    [Fact]
    public void A_pipe_table_becomes_a_table()
    {
        var body = Render("| metric | value |\n| --- | ---: |\n| ELBO | -245.1 |\n| KL | 12.5 |");
        var table = Assert.Single(body.QuerySelectorAll("table"));
        Assert.Equal(["metric", "value"], table.QuerySelectorAll("thead th").Select(th => th.TextContent));
        Assert.Equal(["ELBO", "-245.1", "KL", "12.5"], table.QuerySelectorAll("tbody td").Select(td => td.TextContent));
    }

    [Fact]
    public void A_task_list_becomes_disabled_checkboxes_ticked_as_written()
    {
        var body = Render("- [x] trained on Fashion-MNIST\n- [ ] checked on the held-out split");
        var items = body.QuerySelectorAll("li").ToList();
        Assert.Equal(2, items.Count);
        var boxes = items.Select(li => Assert.Single(li.QuerySelectorAll("input"))).ToList();
        Assert.All(boxes, box => Assert.Equal("checkbox", box.GetAttribute("type")));
        Assert.All(boxes, box => Assert.True(box.HasAttribute("disabled")));
        Assert.Equal([true, false], boxes.Select(box => box.HasAttribute("checked")));
        Assert.Equal("trained on Fashion-MNIST", items[0].TextContent.Trim());
    }

    [Fact]
    public void A_bare_url_is_linked_with_a_safe_rel()
    {
        var links = Render("Data from https://example.com/fashion?split=test and www.example.org today.").QuerySelectorAll("a").ToList();
        Assert.Equal(["https://example.com/fashion?split=test", "https://www.example.org"], links.Select(a => a.GetAttribute("href")));
        Assert.Equal(["https://example.com/fashion?split=test", "www.example.org"], links.Select(a => a.TextContent));
        Assert.All(links, a => Assert.Equal("noopener noreferrer nofollow", a.GetAttribute("rel")));
    }

    [Fact]
    public void Relative_and_mailto_links_stay_and_every_link_gets_the_rel()
    {
        var links = Render("[runs](/runs) and [ask us](mailto:ml@example.com) or <a href=\"https://example.com\" rel=\"opener\">raw</a>").QuerySelectorAll("a").ToList();
        Assert.Equal(["/runs", "mailto:ml@example.com", "https://example.com"], links.Select(a => a.GetAttribute("href")));
        Assert.All(links, a => Assert.Equal(ModelCardRenderer.LinkRel, a.GetAttribute("rel")));
    }

    [Fact]
    public void Headings_keep_their_levels()
    {
        var body = Render("# Model\n\n## Training\n\n### Data\n\n###### Notes");
        Assert.Equal(["h1:Model", "h2:Training", "h3:Data", "h6:Notes"],
            body.QuerySelectorAll("h1, h2, h3, h4, h5, h6").Select(h => $"{h.LocalName}:{h.TextContent}"));
    }

    [Fact]
    public void Emphasis_strikethrough_quotes_rules_and_lists_render()
    {
        var body = Render("*em* **strong** ~~old~~\n\n> quoted\n\n---\n\n3. third\n4. fourth");
        Assert.Equal("em", body.QuerySelector("em")?.TextContent);
        Assert.Equal("strong", body.QuerySelector("strong")?.TextContent);
        Assert.Equal("old", body.QuerySelector("del")?.TextContent);
        Assert.Equal("quoted", body.QuerySelector("blockquote")?.TextContent.Trim());
        Assert.NotNull(body.QuerySelector("hr"));
        Assert.Equal("3", body.QuerySelector("ol")?.GetAttribute("start"));
    }

    [Fact]
    public void Code_shows_markup_as_text()
    {
        var html = Renderer.Render("```\n<script>alert(1)</script>\n```\n\nand `<b>inline</b>`");
        AssertNothingCanRun(html);
        var body = Parse(html).Body!;
        Assert.Equal("<script>alert(1)</script>\n", body.QuerySelector("pre > code")?.TextContent);
        Assert.Equal("<b>inline</b>", body.QuerySelector("p > code")?.TextContent);
    }

    [Fact]
    public void An_image_becomes_a_link_to_the_picture()
    {
        var body = Render("![loss curve](https://example.com/loss.png \"Loss\")");
        Assert.Empty(body.QuerySelectorAll("img"));
        var link = Assert.Single(body.QuerySelectorAll("a"));
        Assert.Equal("https://example.com/loss.png", link.GetAttribute("href"));
        Assert.Equal("loss curve", link.TextContent);
        Assert.Equal(ModelCardRenderer.LinkRel, link.GetAttribute("rel"));
    }

    [Fact]
    public void An_image_with_a_relative_address_keeps_only_its_description()
    {
        // A relative picture would point into this app: shown to every reader, it would make their browsers call it.
        var body = Render("![model file](/api/registry/m/versions/1/download)");
        Assert.Empty(body.QuerySelectorAll("img, a"));
        Assert.Equal("model file", body.TextContent.Trim());
    }

    [Fact]
    public void Empty_markdown_renders_nothing() => Assert.Equal("", Renderer.Render("").Trim());

    private static IElement Render(string markdown)
    {
        var html = Renderer.Render(markdown);
        AssertNothingCanRun(html);
        return Parse(html).Body!;
    }

    /// <summary>
    /// Asserts the three things every hostile case must satisfy; <paramref name="gone"/> is matched ignoring case, against
    /// the serialised HTML, so an encoded form that survived would show too.
    /// </summary>
    private static void AssertSafe(string markdown, string[] gone, string[] survives)
    {
        var html = Renderer.Render(markdown);
        foreach (var text in gone) Assert.False(html.Contains(text, StringComparison.OrdinalIgnoreCase), $"'{text}' survived in: {html}");
        AssertNothingCanRun(html);
        foreach (var text in survives) Assert.True(html.Contains(text, StringComparison.Ordinal), $"'{text}' is missing from: {html}");
    }

    /// <summary>Parses the output as a browser would and checks every element, attribute and URL in it.</summary>
    private static void AssertNothingCanRun(string html)
    {
        var elements = Parse(html).Body!.QuerySelectorAll("*").ToList();
        foreach (var element in elements)
        {
            Assert.True(MarkdownElements.Contains(element.LocalName), $"<{element.LocalName}> is not one of Markdown's elements: {html}");
            foreach (var attribute in element.Attributes)
            {
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"event attribute {attribute.Name}: {html}");
                Assert.False(attribute.Name is "style" or "srcdoc" or "formaction" or "action", $"attribute {attribute.Name}: {html}");
                if (attribute.Name is "href" or "src") AssertSafeUrl(attribute.Value, html);
            }
            if (element.LocalName == "input")
            {
                Assert.Equal("checkbox", element.GetAttribute("type"));
                Assert.True(element.HasAttribute("disabled"), $"an enabled input: {html}");
            }
        }
    }

    /// <summary>Browsers drop tabs and newlines from a URL and trim control characters and spaces before reading its scheme.</summary>
    private static void AssertSafeUrl(string url, string html)
    {
        var cleaned = UrlNoise().Replace(url, "").Trim(Enumerable.Range(0, 0x21).Select(c => (char)c).ToArray());
        var scheme = UrlScheme().Match(cleaned);
        Assert.True(!scheme.Success || scheme.Groups[1].Value.ToLowerInvariant() is "http" or "https" or "mailto", $"URL '{url}' has a scheme that may run script: {html}");
    }

    private static IDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    [GeneratedRegex("[\t\n\r]")]
    private static partial Regex UrlNoise();

    [GeneratedRegex("^([a-zA-Z][a-zA-Z0-9+.-]*):")]
    private static partial Regex UrlScheme();
}
