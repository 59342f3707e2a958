using System.Net;
using System.Text;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.Imaging;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>
/// Issue 9, items 5-7 over the API: hostile file names are stored as display text (files go under content hashes) and
/// downloaded under a safe RFC 6266 Content-Disposition; spoofed types are refused by decoding or re-encoded so no
/// payload survives; pixel floods fail from the header with the codec's message and no large allocation.
/// </summary>
[Collection(nameof(MeasuresProcessAllocation))]
public sealed class HostileContentUploadTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new();

    [Fact]
    public async Task Hostile_file_names_are_display_text_stored_under_hashes_and_downloaded_under_safe_names()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var longName = new string('a', 296) + ".png";
        (string Parameters, string Stored, string Ascii, string Utf8)[] names =
        [
            ("filename=\"<img src=x onerror=alert(1)>.png\"", "<img src=x onerror=alert(1)>.png", "_img_src_x_onerror_alert(1)_.png", "<img src=x onerror=alert(1)>.png"),
            ("filename*=UTF-8''cr%0D%0Alf.png", "crlf.png", "crlf.png", "crlf.png"),
            ("filename=\"q\\\"uote'.png\"", "q\"uote'.png", "q_uote_.png", "q\"uote'.png"),
            ("filename*=UTF-8''nul%00.png", "nul.png", "_nul.png", "nul.png"),
            ($"filename=\"{longName}\"", new string('a', 197) + "...", new string('a', 100) + ".png", new string('a', 100) + ".png"),
            ("filename=\"CON.png\"", "CON.png", "_CON.png", "CON.png"),
            ("filename=\"x.png.exe\"", "x.png.exe", "x.png.png", "x.png.png"),
            ("filename*=UTF-8''photo%E2%80%AEgnp.exe", "photognp.exe", "photognp.png", "photognp.png"),
            ("filename=\"dup.png\"", "dup.png", "dup.png", "dup.png"),
            ("filename=\"dup.png\"", "dup.png", "dup.png", "dup.png"),
        ];
        var files = names.Select((n, i) => (n.Parameters, HostileFiles.Png(100 + i))).Append(("filename=\"copy.png\"", HostileFiles.Png(100))).ToList();

        var response = await user.Client.PostAsync("/api/datasets", HostileFiles.Multipart("names", files));
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.Created);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();

        var id = result.GetProperty("id").GetGuid();
        var duplicate = Assert.Single(result.GetProperty("duplicates").EnumerateArray());
        Assert.Equal(("copy.png", names[0].Stored), (duplicate.GetProperty("name").GetString(), duplicate.GetProperty("duplicateOf").GetString()));
        var items = (await user.GetJsonAsync($"/api/datasets/{id}/images?take=100")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(names.Select(n => n.Stored), items.Select(i => i.GetProperty("originalName").GetString()));
        for (var i = 0; i < names.Length; i++)
        {
            var png = await user.Client.GetAsync($"/api/datasets/{id}/images/{i}.png");
            await ApiClient.EnsureStatusAsync(png, HttpStatusCode.OK);
            var header = string.Join(",", png.Content.Headers.GetValues("Content-Disposition"));
            Assert.Equal($"inline; filename=\"{names[i].Ascii}\"; filename*=UTF-8''{Uri.EscapeDataString(names[i].Utf8)}", header);
            Assert.Matches("^[A-Za-z0-9._()-]+$", names[i].Ascii);
            Assert.Equal(names[i].Utf8, png.Content.Headers.ContentDisposition!.FileNameStar);
        }
        // The bytes live under content hashes only: no user name ever became a path.
        var blobs = Directory.GetFiles(Path.Combine(_factory.DataDirectory, "blobs"), "*", SearchOption.AllDirectories);
        Assert.All(blobs, b => Assert.Matches("^[0-9a-f]{64}$", Path.GetFileName(b)));
    }

    [Fact]
    public async Task Spoofed_types_are_refused_by_decoding_and_a_trailing_script_is_gone_after_re_encoding()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var script = "<script>alert(document.cookie)</script>"u8.ToArray();
        var html = Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>");
        var svg = Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"8\"><script>alert(document.cookie)</script></svg>");
        var jpeg = HostileFiles.Jpeg();
        var trailer = HostileFiles.Png(7, 28, 28).Concat(script).ToArray();

        var result = await user.UploadAsync(DatasetUploads.Form("spoofed", 28, 1,
            [("page.png", html), ("vector.png", svg), ("truncated.jpg", jpeg[..(jpeg.Length / 2)]), ("trailer.png", trailer)]));

        var skipped = result.GetProperty("skipped").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("reason").GetString()!);
        Assert.StartsWith("Unknown image format: the first bytes are 3C21444F", skipped["page.png"]);
        Assert.StartsWith("Unknown image format: the first bytes are 3C737667", skipped["vector.png"]);
        Assert.Contains("JPEG", skipped["truncated.jpg"]);
        Assert.Equal(1, result.GetProperty("imageCount").GetInt32());
        var id = result.GetProperty("id").GetGuid();
        var served = await (await user.Client.GetAsync($"/api/datasets/{id}/images/0.png")).Content.ReadAsByteArrayAsync();
        Assert.Equal(-1, served.AsSpan().IndexOf(script));
        Assert.Equal(ImageDecoder.Decode(trailer).Pixels, ImageDecoder.Decode(served).Pixels);
        foreach (var blob in Directory.GetFiles(Path.Combine(_factory.DataDirectory, "blobs"), "*", SearchOption.AllDirectories))
            Assert.Equal(-1, File.ReadAllBytes(blob).AsSpan().IndexOf("<script"u8));
    }

    [Fact]
    public async Task Pixel_floods_fail_from_the_header_with_the_codec_message_and_no_large_allocation()
    {
        var user = await _factory.RegisterWithTokenAsync();
        (string, byte[])[] floods =
        [
            ("flood.png", HostileFiles.PngDeclaring(100_000, 100_000)),
            ("line.png", HostileFiles.PngDeclaring(500_000_000, 1)),
            ("huge.jpg", HostileFiles.JpegDeclaring(65535, 65535)),
            ("ok.png", HostileFiles.Png(1)),
        ];
        await user.UploadAsync(DatasetUploads.Form("warm-up", 28, 1, floods)); // the first import JITs the whole path

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await user.UploadAsync(DatasetUploads.Form("floods", 28, 1, floods));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        var skipped = result.GetProperty("skipped").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("reason").GetString()!);
        Assert.Equal("PNG IHDR declares 100000x100000, limit is 16384x16384", skipped["flood.png"]);
        Assert.Equal("PNG IHDR declares 500000000x1, limit is 16384x16384", skipped["line.png"]);
        Assert.Equal("JPEG SOF declares 65535x65535, limit is 16384x16384", skipped["huge.jpg"]);
        // 10^10 pixels declared; the whole request, import and database work included, allocated a few megabytes.
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes");
    }

    public void Dispose() => _factory.Dispose();
}
