namespace VaeWorkbench.Imaging.Datasets;

/// <summary>One item a dataset reader yields: a decoded image or a skipped file. Readers yield them one at a time.</summary>
public abstract record DatasetEntry(string Name);

/// <summary>A decoded image. <see cref="Label"/> is the class folder's name, or null for files at the root.</summary>
public sealed record DatasetImage(string Name, string? Label, ImageFormat Format, Image Image) : DatasetEntry(Name)
{
    private string? _hash;

    /// <summary>SHA-256 of the decoded pixels and their shape (see <see cref="ContentHash.Of(Image)"/>), computed once.</summary>
    public string PixelHash => _hash ??= ContentHash.Of(Image);
}

/// <summary>A file that could not be imported, with the reason (for example the decoder's message).</summary>
public sealed record DatasetSkip(string Name, string Reason) : DatasetEntry(Name);
