using Microsoft.AspNetCore.Http;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// Copies one uploaded file (a multipart section over the API, an <c>IBrowserFile</c> stream on the Datasets page) to a
/// work file, counting the bytes that actually arrive. Declared sizes (Content-Length, a part's headers, the browser's
/// <c>File.size</c>) are never trusted: the copy stops as soon as the count passes what the upload may still carry, and
/// the work file is deleted on any failure. Memory use is one 64 KB buffer, whatever the client sends.
/// </summary>
public static class UploadFileWriter
{
    private const int BufferBytes = 1 << 16;

    /// <summary>Writes <paramref name="source"/> to <paramref name="path"/> (a new file); returns the bytes written.</summary>
    /// <param name="remaining">Bytes the upload may still carry, after the files before this one.</param>
    /// <param name="maxUploadBytes">The whole upload's limit, for the message.</param>
    /// <param name="maxImageBytes">
    /// The most a single image may hold (the decoder refuses larger ones), or null where the file is not a dataset image.
    /// A file that does not start like an archive (ZIP, IDX, gzip) is refused as soon as it passes this, not after it
    /// has been spooled to disk.
    /// </param>
    /// <param name="progress">Called with the running count after each chunk.</param>
    /// <exception cref="RequestRejectedException">The bytes passed <paramref name="remaining"/> or the image limit.</exception>
    public static async Task<long> SaveAsync(Stream source, string path, string name, long remaining, long maxUploadBytes,
        long? maxImageBytes, Action<long>? progress, CancellationToken ct)
    {
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferBytes, FileOptions.Asynchronous);
            var buffer = new byte[BufferBytes];
            var head = new byte[UploadKinds.HeadBytes];
            long written = 0;
            var limit = remaining;
            var isImage = false;
            int n;
            // Never ask for more than one byte past the budget, so a hostile stream is not read further than needed to tell.
            while ((n = await ReadAsync(source, buffer.AsMemory(0, (int)Math.Min(buffer.Length, Math.Max(0, limit - written) + 1)), name, ct)) > 0)
            {
                if (written < head.Length) buffer.AsSpan(0, (int)Math.Min(n, head.Length - written)).CopyTo(head.AsSpan((int)written));
                written += n;
                if (maxImageBytes is { } imageLimit && !isImage && written >= head.Length && !UploadKinds.IsArchive(head))
                {
                    isImage = true;
                    limit = Math.Min(limit, imageLimit);
                }
                if (written > limit)
                    throw new RequestRejectedException(isImage && limit < remaining
                        ? $"'{name}' is larger than an image may be ({maxImageBytes} bytes); it was refused after {written} of its bytes. Put large sets of images in a ZIP."
                        : $"The upload is larger than Datasets:MaxUploadBytes ({maxUploadBytes} bytes): '{name}' passed it after {written} of its bytes.");
                await file.WriteAsync(buffer.AsMemory(0, n), ct);
                progress?.Invoke(written);
            }
            return written;
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    /// <summary>
    /// A sender whose stream breaks or ends early (a body shorter than its multipart framing, a browser gone mid-file) made a
    /// bad request, not a server error. Kestrel's own refusals (body over its size limit: 413) keep their status.
    /// </summary>
    private static async ValueTask<int> ReadAsync(Stream source, Memory<byte> buffer, string name, CancellationToken ct)
    {
        try
        {
            return await source.ReadAsync(buffer, ct);
        }
        catch (Exception e) when (IsBrokenUpload(e))
        {
            throw new RequestRejectedException($"The upload of '{name}' ended before it was complete: {e.Message}");
        }
    }

    /// <summary>The sender's stream broke or its framing is invalid (multipart readers throw InvalidDataException for that).</summary>
    public static bool IsBrokenUpload(Exception e) => e is InvalidDataException || e is IOException and not BadHttpRequestException;

    /// <summary>Deletes a work file; one left behind is harmless (the work folder holds nothing else of value).</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the next cleanup.
        }
        catch (UnauthorizedAccessException)
        {
            // Left for the next cleanup.
        }
    }
}
