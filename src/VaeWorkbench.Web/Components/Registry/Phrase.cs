namespace VaeWorkbench.Web.Components.Registry;

/// <summary>
/// A piece of a sentence shown to people: plain words, or the name of an object that links to its page. Sentences are
/// built from these so that names can be links while the words around them stay text.
/// </summary>
public sealed record Phrase(string Text, string? Href = null)
{
    public static implicit operator Phrase(string text) => new(text);

    public static Phrase Link(string text, string href) => new(text, href);

    /// <summary>The sentence as it reads, without its links.</summary>
    public static string Plain(IEnumerable<Phrase> sentence) => string.Concat(sentence.Select(p => p.Text));
}
