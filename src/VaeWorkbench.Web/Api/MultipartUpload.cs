using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Api;

/// <summary>
/// Reads a multipart upload section by section with <see cref="MultipartReader"/>: text fields into a dictionary, files
/// straight to temporary files in the blob store's work folder, so no upload is ever held whole in memory (form
/// buffering is never used). Enforces the upload limits while reading. Dispose to delete the temporary files.
/// </summary>
internal sealed class MultipartUpload : IDisposable
{
    private const int MaxFieldBytes = 4096;
    private const int MaxFields = 32;

    public Dictionary<string, string> Fields { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<UploadedFile> Files { get; } = [];

    /// <param name="maxImageBytes">The most one image may hold (see <see cref="UploadFileWriter.SaveAsync"/>); null for uploads that are not images.</param>
    public static async Task<MultipartUpload> ReadAsync(HttpRequest request, BlobStore blobs, DatasetOptions limits, long? maxImageBytes, CancellationToken ct)
    {
        // This endpoint takes large bodies on purpose; the server-wide default (30 MB) stays for everything else.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limits.MaxUploadBytes + 1024 * 1024;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw new RequestRejectedException("Send the dataset as multipart/form-data with fields name, imageSize, channels and one or more files.");
        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
            throw new RequestRejectedException("The multipart boundary is missing or too long.");

        var upload = new MultipartUpload();
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
            long total = 0;
            while (await NextSectionAsync(reader, ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    throw new RequestRejectedException("Every multipart section needs a Content-Disposition of form-data.");
                // filename* is already decoded (RFC 5987); a quoted filename may hold escapes (\") that only unescaping removes.
                var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.UnescapeAsQuotedString(disposition.FileName).Value;
                if (disposition.IsFileDisposition() || !string.IsNullOrEmpty(fileName))
                {
                    if (upload.Files.Count >= limits.MaxFilesPerUpload)
                        throw new RequestRejectedException($"An upload holds at most {limits.MaxFilesPerUpload} files; put many images in a ZIP.");
                    total += await upload.SaveFileAsync(section.Body, UploadNames.FileName(fileName), blobs, limits.MaxUploadBytes - total, limits.MaxUploadBytes, maxImageBytes, ct);
                }
                else
                {
                    var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                    if (upload.Fields.Count >= MaxFields) throw new RequestRejectedException("Too many form fields.");
                    upload.Fields[name] = await ReadFieldAsync(section.Body, name, ct);
                }
            }
            return upload;
        }
        catch
        {
            upload.Dispose();
            throw;
        }
    }

    private async Task<long> SaveFileAsync(Stream body, string name, BlobStore blobs, long remaining, long maxUploadBytes, long? maxImageBytes, CancellationToken ct)
    {
        var path = blobs.NewTempPath(".upload");
        var written = await UploadFileWriter.SaveAsync(body, path, name, remaining, maxUploadBytes, maxImageBytes, progress: null, ct);
        Files.Add(new UploadedFile(name, path));
        return written;
    }

    private static async Task<MultipartSection?> NextSectionAsync(MultipartReader reader, CancellationToken ct)
    {
        try
        {
            return await reader.ReadNextSectionAsync(ct);
        }
        catch (Exception e) when (UploadFileWriter.IsBrokenUpload(e))
        {
            throw new RequestRejectedException($"The multipart body is incomplete or malformed: {e.Message}");
        }
    }

    private static async Task<string> ReadFieldAsync(Stream body, string name, CancellationToken ct)
    {
        var buffer = new byte[MaxFieldBytes + 1];
        var length = 0;
        try
        {
            int n;
            while ((n = await body.ReadAsync(buffer.AsMemory(length), ct)) > 0)
            {
                length += n;
                if (length > MaxFieldBytes) throw new RequestRejectedException($"The form field '{name}' is longer than {MaxFieldBytes} bytes.");
            }
        }
        catch (Exception e) when (UploadFileWriter.IsBrokenUpload(e))
        {
            throw new RequestRejectedException($"The multipart body is incomplete or malformed: {e.Message}");
        }
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    public void Dispose()
    {
        foreach (var file in Files) UploadFileWriter.TryDelete(file.TempPath);
    }
}
