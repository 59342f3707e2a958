namespace VaeWorkbench.Web.Components.Pages;

/// <summary>
/// Which images of the review grid are selected: a click toggles one, a shift-click selects the range from the last
/// clicked image, and a page can be selected whole. Kept apart from the markup so that the rules are tested on their own.
/// </summary>
public sealed class ReviewGridSelection
{
    private readonly HashSet<long> _selected = [];
    private long? _anchor;

    public IReadOnlyCollection<long> Selected => _selected;

    public int Count => _selected.Count;

    public bool Contains(long imageId) => _selected.Contains(imageId);

    /// <summary>
    /// A click on <paramref name="imageId"/> among the page's images in display order. With shift and an anchor on the same
    /// page, every image between the two is selected (the others stay as they were); otherwise the image toggles.
    /// </summary>
    public void Click(IReadOnlyList<long> page, long imageId, bool shift)
    {
        var at = IndexOf(page, imageId);
        if (at < 0) return;
        var from = _anchor is { } anchor ? IndexOf(page, anchor) : -1;
        if (shift && from >= 0)
        {
            for (var i = Math.Min(from, at); i <= Math.Max(from, at); i++) _selected.Add(page[i]);
        }
        else if (!_selected.Remove(imageId))
        {
            _selected.Add(imageId);
        }
        _anchor = imageId;
    }

    /// <summary>Selects every image of the page, or clears them when all already are.</summary>
    public void TogglePage(IReadOnlyList<long> page)
    {
        if (page.Count > 0 && page.All(_selected.Contains)) _selected.ExceptWith(page);
        else _selected.UnionWith(page);
    }

    public bool AllOf(IReadOnlyList<long> page) => page.Count > 0 && page.All(_selected.Contains);

    /// <summary>Keeps only images still shown (a decision or a filter can take some out of the queue's view).</summary>
    public void KeepOnly(IEnumerable<long> shown)
    {
        var still = shown.ToHashSet();
        _selected.IntersectWith(still);
        if (_anchor is { } anchor && !still.Contains(anchor)) _anchor = null;
    }

    public void Clear()
    {
        _selected.Clear();
        _anchor = null;
    }

    private static int IndexOf(IReadOnlyList<long> page, long imageId)
    {
        for (var i = 0; i < page.Count; i++)
            if (page[i] == imageId) return i;
        return -1;
    }
}
