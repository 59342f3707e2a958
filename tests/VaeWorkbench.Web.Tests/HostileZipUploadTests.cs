using System.Text.Json;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>
/// Issue 9, items 3 and 4 over the API: zip bombs are stopped while inflating (counted bytes, per-entry and whole-archive
/// ratio), and no entry name or link can put a file outside the blob store. Archives are written byte by byte (<see cref="RawZip"/>).
/// </summary>
public sealed class HostileZipUploadTests : IDisposable
{
    private const int EntryLimit = 1 << 20;

    private readonly WorkbenchFactory _factory = new(new()
    {
        ["Datasets:MaxZipEntryBytes"] = EntryLimit.ToString(),
        ["Datasets:MaxZipCompressionRatio"] = "50",
        ["Datasets:MaxReportedFiles"] = "5000",
    });

    [Fact]
    public async Task A_flat_bomb_is_stopped_by_the_entry_ratio_and_a_nested_zip_is_not_opened()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var inner = new RawZip().Add("c/inside.png", HostileFiles.Png(2)).ToArray();
        var zip = new RawZip().Add("c/ok.png", HostileFiles.Png(1)).Add("c/bomb.png", new byte[8 << 20]).Add("c/inner.zip", inner).ToArray();

        var (result, skipped) = await UploadZipAsync(user, zip);

        Assert.Equal(1, result.GetProperty("imageCount").GetInt32());
        Assert.Matches(@"^entry inflates more than 50x its \d+ compressed bytes \(zip bomb\?\)$", skipped["c/bomb.png"]);
        Assert.Equal("nested archive, not opened", skipped["c/inner.zip"]);
        Assert.Empty(HostileFiles.WorkFiles(_factory));
    }

    [Fact]
    public async Task Overlapping_entries_that_each_pass_alone_are_stopped_by_the_archive_ratio()
    {
        var user = await _factory.RegisterWithTokenAsync();
        // One stored (1:1) 10 KB image and 2000 more central records pointing at the same bytes: each entry alone is
        // harmless, together they would inflate to 20 MB from a 130 KB file.
        var zip = new RawZip().Add("c/kernel.png", HostileFiles.Png(3, 100, 100), deflate: false);
        for (var i = 0; i < 2000; i++) zip.AddOverlapping($"c/o{i}.png", of: 0);
        var bytes = zip.ToArray();

        var (result, skipped) = await UploadZipAsync(user, bytes);

        Assert.Equal(1, result.GetProperty("imageCount").GetInt32());
        var ratio = $"the archive inflates more than 50x its {bytes.Length} bytes (zip bomb?)";
        var stopped = Assert.Single(skipped, s => s.Value == ratio).Key;
        var read = int.Parse(stopped["c/o".Length..^".png".Length]);
        Assert.Equal($"{2000 - read - 1} later entries not read: {ratio}", skipped["(archive)"]);
        Assert.InRange((read + 1L) * HostileFiles.Png(3, 100, 100).Length, 50L * bytes.Length - 200_000, 50L * bytes.Length + 20_000);
        Assert.Equal(read, result.GetProperty("duplicateCount").GetInt32());
    }

    [Fact]
    public async Task Entries_whose_headers_lie_about_their_size_never_inflate_past_the_counted_limit()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var noise = new byte[2 * EntryLimit];
        new Random(4).NextBytes(noise);
        var png = HostileFiles.Png(5, 64, 64);
        var zip = new RawZip()
            .Add("c/ok.png", HostileFiles.Png(1))
            .Add("c/claims-4gb.png", noise, claimedSize: 0xFFFF_FFF0)   // a huge claim: the counted limit stops it
            .Add("c/claims-100.png", png, claimedSize: 100)              // a small claim: the reader never gets past it
            .ToArray();

        var (result, skipped) = await UploadZipAsync(user, zip);

        Assert.Equal(1, result.GetProperty("imageCount").GetInt32());
        Assert.Equal($"entry inflates to more than {EntryLimit} bytes", skipped["c/claims-4gb.png"]);
        Assert.StartsWith("PNG", skipped["c/claims-100.png"]); // the decoder saw the first 100 bytes only: a truncated PNG
    }

    [Fact]
    public async Task Zip_slip_names_and_symbolic_links_write_nothing_outside_the_blob_store()
    {
        var user = await _factory.RegisterWithTokenAsync();
        string[] hostile = ["../../a.png", "/etc/x.png", "..\\x.png", "C:\\x.png", "c/../../../x.png"];
        var zip = new RawZip();
        for (var i = 0; i < hostile.Length; i++) zip.Add(hostile[i], HostileFiles.Png(10 + i));
        zip.Add("c/link.png", "/etc/passwd"u8.ToArray(), unixMode: 0xA1FF).Add("c/ok.png", HostileFiles.Png(1));
        var places = new[] { Path.GetTempPath(), _factory.DataDirectory, Path.GetDirectoryName(_factory.DataDirectory)!, Environment.CurrentDirectory, "/etc" };
        var before = places.Select(Listing).ToList();

        var (result, skipped) = await UploadZipAsync(user, zip.ToArray());

        Assert.Equal(1, result.GetProperty("imageCount").GetInt32());
        Assert.Equal("unsafe ZIP entry name: '..' in entry name (zip slip)", skipped["../../a.png"]);
        Assert.Equal("unsafe ZIP entry name: absolute path", skipped["/etc/x.png"]);
        Assert.Equal("unsafe ZIP entry name: backslash in entry name (path trick)", skipped["..\\x.png"]);
        Assert.Equal("unsafe ZIP entry name: backslash in entry name (path trick)", skipped["C:\\x.png"]);
        Assert.Equal("unsafe ZIP entry name: '..' in entry name (zip slip)", skipped["c/../../../x.png"]);
        Assert.Equal("symbolic link entry, not followed", skipped["c/link.png"]);
        // On disk: nothing new beside the data directory, and inside it only content-addressed blobs and the database.
        foreach (var (place, listing) in places.Zip(before).Where(p => p.First != _factory.DataDirectory))
            Assert.DoesNotContain(Listing(place).Except(listing), n => n.EndsWith(".png", StringComparison.Ordinal) || n is "link" or "passwd");
        Assert.False(File.Exists("/etc/x.png"));
        var stored = Directory.GetFiles(_factory.DataDirectory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_factory.DataDirectory, f)).ToList();
        Assert.All(stored, f => Assert.Matches(@"^(blobs/[0-9a-f]{2}/[0-9a-f]{64}|[^/]+\.db(-wal|-shm)?|keys/[^/]+\.xml)$", f));
    }

    private static HashSet<string> Listing(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).OfType<string>().ToHashSet() : [];

    private static async Task<(JsonElement Result, Dictionary<string, string> Skipped)> UploadZipAsync(ApiUser user, byte[] zip)
    {
        var result = await user.UploadAsync(DatasetUploads.Form("hostile zip", 28, 1, [("hostile.zip", zip)]));
        var skipped = result.GetProperty("skipped").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("reason").GetString()!);
        return (result, skipped);
    }

    public void Dispose() => _factory.Dispose();
}
