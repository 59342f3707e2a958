using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>Allocation is measured process-wide, so these tests run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(MeasuresProcessAllocation), DisableParallelization = true)]
public sealed class MeasuresProcessAllocation;

/// <summary>Issue 9, items 1 and 2 over the API: byte caps that hold whatever a client declares, file and entry counts.</summary>
[Collection(nameof(MeasuresProcessAllocation))]
public sealed class HostileUploadLimitTests : IDisposable
{
    private const long Cap = 8L << 20;

    private readonly WorkbenchFactory _factory = new(new()
    {
        ["Datasets:MaxUploadBytes"] = Cap.ToString(),
        ["Datasets:MaxFilesPerUpload"] = "10",
        ["Datasets:MaxImagesPerDataset"] = "5000",
    });

    [Fact]
    public async Task A_file_one_byte_over_the_cap_is_refused_and_leaves_no_work_file()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var atCap = new byte[Cap];
        new Random(9).NextBytes(atCap);

        var over = await user.Client.PostAsync("/api/datasets", DatasetUploads.Form("over", 28, 1, [("big.png", [.. atCap, 0x42])]));
        var problem = await ApiClient.AssertProblemAsync(over, HttpStatusCode.BadRequest);
        Assert.Equal($"The upload is larger than Datasets:MaxUploadBytes ({Cap} bytes): 'big.png' passed it after {Cap + 1} of its bytes.", problem.GetProperty("detail").GetString());
        Assert.Empty(HostileFiles.WorkFiles(_factory));

        // Exactly at the cap the bytes are taken; this file then fails as an image, which is a different refusal.
        var at = await user.Client.PostAsync("/api/datasets", DatasetUploads.Form("at", 28, 1, [("big.png", atCap)]));
        Assert.StartsWith("None of the uploaded files could be imported", (await ApiClient.AssertProblemAsync(at, HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        Assert.Empty(HostileFiles.WorkFiles(_factory));

        // The cap is for the whole upload: two files that fit alone do not fit together.
        var half = atCap[..(int)(Cap / 2 + 1)];
        var two = await user.Client.PostAsync("/api/datasets", DatasetUploads.Form("two", 28, 1, [("a.png", half), ("b.png", half)]));
        Assert.Contains("'b.png' passed it", (await ApiClient.AssertProblemAsync(two, HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        Assert.Empty(HostileFiles.WorkFiles(_factory));
    }

    [Fact]
    public async Task A_part_that_declares_100_bytes_but_streams_without_end_is_cut_off_at_the_cap_with_flat_memory()
    {
        var consumed = new BodyBytesRead();
        using var counted = _factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IStartupFilter>(consumed)));
        var user = await counted.RegisterWithTokenAsync();
        // Warm up both paths (JIT and pools allocate once). A body that stops short of its closing boundary is the client's fault: 400.
        var (shortBody, _) = await SendAsync("/api/datasets", Cap / 4);
        Assert.StartsWith("The upload of 'small.png' ended before it was complete", (await ApiClient.AssertProblemAsync(shortBody, HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        consumed.ReferenceReads = Cap;
        await SendAsync(BodyBytesRead.ReferencePath, Cap / 4);

        var (upload, endless) = await SendAsync("/api/datasets", 8 * Cap);
        var uploadConsumed = consumed.Bytes;
        var uploadAllocated = consumed.WindowAllocated;
        // The reference: the same body to an endpoint that reads as many bytes into one reused buffer and refuses the rest.
        // Both are measured from the endpoint's first read of the body to its last, while the in-memory transport carries
        // the same bytes, so the upload's own share is the difference. (Measuring the whole request instead counts what
        // the transport does with the unread rest after the answer, which on .NET 10 varied from 134 to 265 MB.)
        consumed.ReferenceReads = uploadConsumed;
        var (_, reference) = await SendAsync(BodyBytesRead.ReferencePath, 8 * Cap);
        var transportAllocated = consumed.WindowAllocated;

        Assert.Contains("larger than Datasets:MaxUploadBytes", (await ApiClient.AssertProblemAsync(upload, HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        // The client sent 8x the cap; the endpoint read the cap, one 64 KB read past it, and the multipart reader's look-ahead.
        Assert.Equal(8 * Cap, endless.FileBytesSent);
        Assert.InRange(uploadConsumed, Cap + 1, Cap + (256 << 10));
        Assert.Empty(HostileFiles.WorkFiles(_factory));
        // Flat memory: reading and counting up to the cap cost the endpoint under 1 MB beyond the transport's own allocation.
        Assert.True(uploadAllocated - transportAllocated < 1 << 20,
            $"reading {uploadConsumed} bytes the upload allocated {uploadAllocated} bytes, the reference {transportAllocated} for {consumed.Bytes} bytes ({reference.FileBytesSent} sent)");

        async Task<(HttpResponseMessage Response, EndlessFilePart Body)> SendAsync(string url, long bytes)
        {
            consumed.Reset();
            var body = new EndlessFilePart(giveUpAfter: bytes);
            return (await user.Client.PostAsync(url, body), body);
        }
    }

    /// <summary>One image may hold 64 MB (the decoders' limit), whatever the upload may: refused when it passes that, by bytes read.</summary>
    [Fact]
    public async Task An_image_part_over_the_image_limit_is_refused_as_it_passes_it_while_an_archive_may_go_on()
    {
        const long imageLimit = 64L << 20;
        var consumed = new BodyBytesRead();
        using var roomy = new WorkbenchFactory(new() { ["Datasets:MaxUploadBytes"] = (96L << 20).ToString() });
        using var counted = roomy.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IStartupFilter>(consumed)));
        var user = await counted.RegisterWithTokenAsync();

        var image = await user.Client.PostAsync("/api/datasets", new EndlessFilePart(giveUpAfter: 2 * imageLimit));
        Assert.StartsWith($"'small.png' is larger than an image may be ({imageLimit} bytes); it was refused after",
            (await ApiClient.AssertProblemAsync(image, HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        Assert.InRange(consumed.Bytes, imageLimit + 1, imageLimit + (256 << 10));
        Assert.Empty(HostileFiles.WorkFiles(roomy));

        // A ZIP is many images: it may pass 64 MB, up to the upload's own limit.
        consumed.Reset();
        var zip = await user.Client.PostAsync("/api/datasets", new EndlessFilePart(giveUpAfter: 80L << 20, fileStart: [(byte)'P', (byte)'K', 3, 4]));
        var detail = (await ApiClient.AssertProblemAsync(zip, HttpStatusCode.BadRequest)).GetProperty("detail").GetString();
        Assert.DoesNotContain("larger than an image may be", detail);
        Assert.True(consumed.Bytes > imageLimit + (1 << 20), $"the ZIP was cut at {consumed.Bytes} bytes");
        Assert.Empty(HostileFiles.WorkFiles(roomy));
    }

    [Fact]
    public async Task Eleven_files_over_a_limit_of_ten_are_refused_and_ten_are_taken()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var eleven = Enumerable.Range(0, 11).Select(i => ($"{i}.png", HostileFiles.Png(i))).ToList();

        var refused = await user.Client.PostAsync("/api/datasets", DatasetUploads.Form("eleven", 28, 1, eleven));
        Assert.Equal("An upload holds at most 10 files; put many images in a ZIP.",
            (await ApiClient.AssertProblemAsync(refused, HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        Assert.Empty(HostileFiles.WorkFiles(_factory));

        var ten = await user.UploadAsync(DatasetUploads.Form("ten", 28, 1, eleven.Take(10)));
        Assert.Equal(10, ten.GetProperty("imageCount").GetInt32());
    }

    [Fact]
    public async Task A_zip_of_10000_entries_over_the_entry_limit_is_refused_before_its_directory_is_read()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var png = HostileFiles.Png(1);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            for (var i = 0; i < 10_000; i++)
                using (var entry = zip.CreateEntry($"c/{i}.png", CompressionLevel.NoCompression).Open())
                    entry.Write(png);

        var response = await user.Client.PostAsync("/api/datasets", DatasetUploads.Form("many", 28, 1, [("many.zip", buffer.ToArray())]));

        Assert.Equal("None of the uploaded files could be imported as an image (first problem: many.zip: ZIP archive declares 10000 entries, limit is 5000).",
            (await ApiClient.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        Assert.Empty(HostileFiles.WorkFiles(_factory));
    }

    public void Dispose() => _factory.Dispose();

    /// <summary>
    /// Counts the request body bytes the app itself reads (not what the transport later drains and drops) and the bytes
    /// the process allocated from the first of those reads to the last, and serves the reference endpoint: it reads
    /// <see cref="ReferenceReads"/> bytes into one buffer, then answers 400.
    /// </summary>
    private sealed class BodyBytesRead : IStartupFilter
    {
        public const string ReferencePath = "/test/read-part-and-refuse";
        private long _bytes;

        public long Bytes => Interlocked.Read(ref _bytes);

        public long ReferenceReads { get; set; }

        private long _firstReadAllocated = -1;
        private long _lastReadAllocated = -1;

        public long WindowAllocated => Interlocked.Read(ref _lastReadAllocated) - Interlocked.Read(ref _firstReadAllocated);

        public void Reset()
        {
            Interlocked.Exchange(ref _bytes, 0);
            Interlocked.Exchange(ref _firstReadAllocated, -1);
            Interlocked.Exchange(ref _lastReadAllocated, -1);
        }

        private void Counted(int n)
        {
            Interlocked.Add(ref _bytes, n);
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            Interlocked.CompareExchange(ref _firstReadAllocated, allocated, -1);
            Interlocked.Exchange(ref _lastReadAllocated, allocated);
        }

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                context.Request.Body = new CountingStream(context.Request.Body, Counted);
                if (context.Request.Path == ReferencePath)
                {
                    var buffer = new byte[1 << 16];
                    for (long read = 0, n; read < ReferenceReads && (n = await context.Request.Body.ReadAsync(buffer)) > 0;) read += n;
                    context.Response.StatusCode = 400;
                    return;
                }
                await nextMiddleware(context);
            });
            next(app);
        };
    }

    private sealed class CountingStream(Stream inner, Action<int> counted) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => Counted(await inner.ReadAsync(buffer, ct));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Counted(int n)
        {
            counted(n);
            return n;
        }
    }

    /// <summary>
    /// A multipart body whose file part says <c>Content-Length: 100</c> and then sends zeros until the server stops
    /// reading (or <c>giveUpAfter</c> bytes, so a broken server fails the test instead of hanging it). The request
    /// itself has no length (chunked). One buffer is reused, so the client allocates almost nothing per byte.
    /// </summary>
    private sealed class EndlessFilePart : HttpContent
    {
        private const string Boundary = "endless-boundary";
        private readonly long _giveUpAfter;
        private readonly byte[] _fileStart;

        /// <param name="fileStart">The file's first bytes (a ZIP's signature, say); zeros follow.</param>
        public EndlessFilePart(long giveUpAfter, byte[]? fileStart = null)
        {
            _giveUpAfter = giveUpAfter;
            _fileStart = fileStart ?? [];
            Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
        }

        public long FileBytesSent { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var head = $"--{Boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nendless\r\n" +
                $"--{Boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"small.png\"\r\nContent-Length: 100\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            var chunk = new byte[1 << 16];
            _fileStart.CopyTo(chunk, 0);
            try
            {
                while (FileBytesSent < _giveUpAfter)
                {
                    await stream.WriteAsync(chunk);
                    FileBytesSent += chunk.Length;
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // The server answered and stopped reading: that is the behaviour under test.
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
