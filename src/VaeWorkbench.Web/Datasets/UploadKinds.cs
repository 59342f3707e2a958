namespace VaeWorkbench.Web.Datasets;

/// <summary>What an uploaded file is, told from its first bytes: an archive of many images, or one image.</summary>
public static class UploadKinds
{
    /// <summary>How many leading bytes <see cref="IsArchive"/> looks at.</summary>
    public const int HeadBytes = 4;

    public static bool IsZip(ReadOnlySpan<byte> head) => head.Length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;

    public static bool IsGzip(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1F && head[1] == 0x8B;

    /// <summary>A ZIP, an IDX file or a gzip (MNIST files usually are): many images, so not held to one image's limit.</summary>
    public static bool IsArchive(ReadOnlySpan<byte> head) => IsZip(head) || IdxFileHeader.LooksLikeIdxOrGzip(head);
}
