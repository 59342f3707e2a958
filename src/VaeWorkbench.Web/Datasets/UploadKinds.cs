namespace VaeWorkbench.Web.Datasets;

/// <summary>What an uploaded file is, told from its first bytes: an archive of many images, or one image.</summary>
public static class UploadKinds
{
    /// <summary>How many leading bytes <see cref="IsArchive"/> looks at.</summary>
    public const int HeadBytes = 4;

    /// <summary>
    /// A ZIP: a local file header (PK 03 04), or the end-of-directory record an empty archive starts with (PK 05 06), or a
    /// spanned archive's marker (PK 07 08). An empty ZIP must be read as an archive, so that it is reported as one.
    /// </summary>
    public static bool IsZip(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2], head[3]) is (3, 4) or (5, 6) or (7, 8);

    public static bool IsGzip(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1F && head[1] == 0x8B;

    /// <summary>A ZIP, an IDX file or a gzip (MNIST files usually are): many images, so not held to one image's limit.</summary>
    public static bool IsArchive(ReadOnlySpan<byte> head) => IsZip(head) || IdxFileHeader.LooksLikeIdxOrGzip(head);
}
