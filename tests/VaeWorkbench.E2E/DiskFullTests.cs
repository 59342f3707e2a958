using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.E2E.Infrastructure;
using Xunit.Abstractions;
using static VaeWorkbench.E2E.Infrastructure.FaultSettings;

namespace VaeWorkbench.E2E;

/// <summary>
/// The disk fills up during an import. The data directory is a small tmpfs mounted for the test (CI runs as root); where
/// mounting is not permitted the test says so and injects the operating system's ENOSPC at the blob-write layer instead.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output)
{
    private const long TmpfsBytes = 48L << 20;
    // Small enough that the upload itself is received, far too little for its 3,000 stored images and tensor file.
    private const long FreeBytesLeft = 6L << 20;

    [Fact]
    public async Task An_import_that_fills_the_disk_is_rolled_back_and_marked_failed_and_the_server_keeps_working()
    {
        var zip = FashionData.Zip(perClass: 300, classes: [.. Enumerable.Range(0, 10)]);
        var mountPoint = Path.Combine(Path.GetTempPath(), "vwb-diskfull-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(mountPoint);
        var mounted = await RunAsync("mount", "-t", "tmpfs", "-o", $"size={TmpfsBytes}", "tmpfs", mountPoint) == 0;
        try
        {
            output.WriteLine(mounted
                ? $"disk-full mode: real tmpfs of {TmpfsBytes >> 20} MB at {mountPoint}, filled to {FreeBytesLeft >> 20} MB free"
                : "disk-full mode: mounting a tmpfs is not permitted here; injecting ENOSPC at the blob-write layer (Faults:Action=DiskFull)");
            var settings = mounted ? Base() : Armed("blob-write", hit: 100, action: "DiskFull");
            await using var server = await AppServer.StartAsync(settings, mountPoint);
            using var api = await ApiSession.RegisterAsync(server.BaseUrl, "full@example.test");
            var ballast = Path.Combine(mountPoint, "ballast");
            if (mounted) FillDisk(mountPoint, ballast);
            var blobsBefore = BlobFiles(mountPoint);

            var response = await api.PostDatasetAsync("too big", ("images.zip", new MemoryStream(zip)));
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.StatusCode == HttpStatusCode.InsufficientStorage, $"{(int)response.StatusCode}: {problem}\n{server.Output}");
            Assert.Contains("The disk is full", problem.GetProperty("detail").GetString());

            var failed = Assert.Single((await api.GetJsonAsync("/api/datasets")).EnumerateArray());
            Assert.Equal("Failed", failed.GetProperty("status").GetString());
            Assert.StartsWith("The disk is full", failed.GetProperty("error").GetString());
            Assert.Equal(0, failed.GetProperty("imageCount").GetInt32());
            Assert.Equal(blobsBefore, BlobFiles(mountPoint));
            Assert.Empty(Directory.GetFiles(Path.Combine(mountPoint, "tmp")));
            Assert.Equal(HttpStatusCode.OK, (await api.Client.GetAsync("/healthz")).StatusCode);

            if (mounted) File.Delete(ballast);
            var id = await api.UploadZipAsync("fits now", zip);
            var ready = await api.GetJsonAsync($"/api/datasets/{id}");
            Assert.Equal("Ready", ready.GetProperty("status").GetString());
            Assert.Equal(3000, ready.GetProperty("imageCount").GetInt32() + ready.GetProperty("report").GetProperty("duplicateCount").GetInt32());
            await server.KillAsync();
            await AssertStorageConsistentAsync(mountPoint);
        }
        finally
        {
            if (mounted && await RunAsync("umount", mountPoint) != 0) await RunAsync("umount", "-l", mountPoint);
            Directory.Delete(mountPoint, recursive: true);
        }
    }

    private static void FillDisk(string mountPoint, string ballast)
    {
        var free = new DriveInfo(mountPoint).AvailableFreeSpace;
        using var file = new FileStream(ballast, FileMode.CreateNew, FileAccess.Write);
        var chunk = new byte[1 << 20];
        Random.Shared.NextBytes(chunk);
        for (var left = free - FreeBytesLeft; left > 0; left -= chunk.Length) file.Write(chunk, 0, (int)Math.Min(chunk.Length, left));
    }

    private static int BlobFiles(string dataDirectory) =>
        Directory.GetFiles(Path.Combine(dataDirectory, "blobs"), "*", SearchOption.AllDirectories).Length;

    private static async Task<int> RunAsync(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            await process.WaitForExitAsync();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1; // no such command: treated as "not permitted"
        }
    }
}
