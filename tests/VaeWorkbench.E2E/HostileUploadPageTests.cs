using System.IO.Compression;
using Microsoft.Playwright;
using VaeWorkbench.E2E.Infrastructure;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Formats.Png;

namespace VaeWorkbench.E2E;

/// <summary>
/// Issue 9 through the Datasets page (IBrowserFile streams): limits refuse clearly and the circuit keeps working, a
/// browser that lies about a file's size gets no further than it declared, and hostile names show as text.
/// </summary>
public sealed class HostileUploadPageTests : BrowserTest
{
    private const long Cap = 1 << 20;

    protected override IDictionary<string, string>? ServerSettings => new Dictionary<string, string>
    {
        ["Datasets:MaxUploadBytes"] = Cap.ToString(),
        ["Datasets:MaxFilesPerUpload"] = "10",
        ["Datasets:MaxImagesPerDataset"] = "5000",
    };

    [Fact]
    public async Task Over_limit_uploads_are_refused_clearly_and_the_page_keeps_working()
    {
        var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await FailureArtifacts.RunAsync(page, Server, "hostile-limits", async () =>
        {
            await page.RegisterAsync("mallory@example.test");
            await page.GotoAsync("/datasets");
            await page.WaitForInteractivityAsync();
            var status = page.Locator("#upload-status");

            // Eleven files when ten are allowed.
            await SetFilesAsync(page, Enumerable.Range(0, 11).Select(i => new HostileFile($"{i}.png", Png(i))).ToArray());
            await Assertions.Expect(status).ToHaveTextAsync("Choose at most 10 files; put many images in a ZIP.");
            await Assertions.Expect(page.Locator("#start-upload")).ToBeDisabledAsync();

            // One byte over the cap: refused before a byte is sent.
            await SetFilesAsync(page, new HostileFile("big.png", new byte[Cap + 1]));
            await Assertions.Expect(status).ToHaveTextAsync("These files hold 1 MB; an upload may hold 1 MB.");
            await page.ClickAsync("#start-upload");
            await Assertions.Expect(status).ToHaveTextAsync("An upload may hold 1 MB.");

            // A file that declares 1,000 bytes and holds 4 MB: the server never takes more than was declared.
            // It is a whole, valid PNG larger than the cap, so a truncated PNG in the report shows where the server stopped.
            var liar = Png(1, 1100, 1000);
            Assert.True(liar.Length > Cap);
            await ChooseAsync(page, "liar", new HostileFile("liar.png", liar, DeclaredSize: 1000));
            await page.ClickAsync("#start-upload");
            await Assertions.Expect(page.Locator("#upload-error")).ToContainTextAsync(
                "None of the uploaded files could be imported as an image (first problem: liar.png: PNG", new() { Timeout = 60_000 });
            await Assertions.Expect(status).ToHaveTextAsync("The import did not finish; see the message.");

            // 10,000 entries in one ZIP over the 5,000 limit: a clear message.
            await ChooseAsync(page, "many", new HostileFile("many.zip", ManyEntryZip(10_000)));
            await page.ClickAsync("#start-upload");
            await Assertions.Expect(page.Locator("#upload-error")).ToContainTextAsync("many.zip: ZIP archive declares 10000 entries, limit is 5000", new() { Timeout = 60_000 });

            // The circuit survived all of it: a good upload still works, and no work file is left behind.
            await ChooseAsync(page, "good", Enumerable.Range(0, 3).Select(i => new HostileFile($"good{i}.png", Png(i))).ToArray());
            await page.ClickAsync("#start-upload");
            await Assertions.Expect(page.Locator("#import-count")).ToHaveTextAsync("3", new() { Timeout = 60_000 });
            Assert.Empty(Directory.GetFiles(Path.Combine(Server.DataDirectory, "tmp")));
        });
        await context.CloseAsync();
    }

    [Fact]
    public async Task Hostile_file_names_show_as_literal_text_and_no_script_runs()
    {
        string[] names =
        [
            "<img src=x onerror=\"window.__xss=1\">.png",
            "<svg onload=window.__xss=2>.png",
            "\"quoted' & <b>bold.png",
            "photo\u202Egnp.exe",
            "CON.png",
            "x.png.exe",
            new string('n', 296) + ".png",
        ];
        string[] shown = [.. names.Take(3), "photognp.exe", "CON.png", "x.png.exe", new string('n', 197) + "..."];
        var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await FailureArtifacts.RunAsync(page, Server, "hostile-names", async () =>
        {
            await page.RegisterAsync("eve@example.test");
            await page.GotoAsync("/datasets");
            await page.WaitForInteractivityAsync();
            await ChooseAsync(page, "<img src=y onerror=\"window.__xss=3\">", names.Select((n, i) => new HostileFile(n, Png(20 + i))).ToArray());
            // The chosen files are listed by name, as text.
            await Assertions.Expect(page.Locator(".vwb-upload-item").First).ToContainTextAsync(shown[0]);
            await page.ClickAsync("#start-upload");
            await Assertions.Expect(page.Locator("#import-count")).ToHaveTextAsync(names.Length.ToString(), new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("#datasets-grid .dataset-link")).ToHaveTextAsync("<img src=y onerror=\"window.__xss=3\">");

            await page.ClickAsync("#import-dataset-link");
            await page.WaitForInteractivityAsync();
            var thumbs = page.Locator("#thumb-grid .vwb-thumb");
            await Assertions.Expect(thumbs).ToHaveCountAsync(names.Length);
            for (var i = 0; i < names.Length; i++)
            {
                await Assertions.Expect(thumbs.Nth(i)).ToHaveAttributeAsync("title", $"Image #{i} ({shown[i]})");
                await thumbs.Nth(i).ClickAsync();
                await Assertions.Expect(page.Locator("#detail-name")).ToHaveTextAsync(shown[i]);
            }
            // Nothing the names carried became markup or ran.
            Assert.True(await page.EvaluateAsync<bool>("() => window.__xss === undefined"));
            Assert.Equal(0, await page.Locator("img[src='x'], img[src='y'], svg[onload], b").CountAsync());
        });
        await context.CloseAsync();
    }

    [Fact]
    public async Task Kestrel_refuses_a_declared_length_over_the_limit_and_reads_no_further_than_a_small_one()
    {
        using var api = await ApiSession.RegisterAsync(Server.BaseUrl, "trudy@example.test");
        var token = api.Client.DefaultRequestHeaders.Authorization!.Parameter!;

        // Declares more than the endpoint's body limit (the cap plus 1 MB for the form): 413 before any body byte is sent.
        var (tooLong, tooLongBody) = await RawPostAsync(token, declaredLength: Cap + (2 << 20), body: []);
        Assert.Equal(413, tooLong);
        Assert.Contains("larger than this endpoint accepts", tooLongBody); // a ProblemDetails body, like every /api error

        // Declares 300 bytes and sends 4 MB more: the server reads the 300 (a file part cut short: 400) and no further.
        var head = "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nshort\r\n" +
                   "--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.png\"\r\n\r\n";
        var body = System.Text.Encoding.ASCII.GetBytes(head).Concat(new byte[300 + (4 << 20)]).ToArray();
        var (cutShort, detail) = await RawPostAsync(token, declaredLength: 300, body);
        Assert.Equal(400, cutShort);
        Assert.Contains("The upload of 'a.png' ended before it was complete", detail);
        Assert.Empty(Directory.GetFiles(Path.Combine(Server.DataDirectory, "tmp")));
    }

    /// <summary>
    /// A POST written straight to a socket, so the Content-Length can lie. The body is sent alongside reading the answer
    /// (the server may stop reading and close); returns the status and the first response's body.
    /// </summary>
    private async Task<(int Status, string Body)> RawPostAsync(string token, long declaredLength, byte[] body)
    {
        var uri = new Uri(Server.BaseUrl);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        var request = $"POST /api/datasets HTTP/1.1\r\nHost: {uri.Authority}\r\nAuthorization: Bearer {token}\r\n" +
                      $"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {declaredLength}\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        var sending = Task.Run(async () =>
        {
            try
            {
                for (var at = 0; at < body.Length; at += 1 << 16) await stream.WriteAsync(body.AsMemory(at, Math.Min(1 << 16, body.Length - at)));
            }
            catch (IOException)
            {
                // The server answered and closed the connection: expected for a lying client.
            }
        });
        using var reader = new StreamReader(stream, System.Text.Encoding.ASCII, false, 1, leaveOpen: true);
        var statusLine = await reader.ReadLineAsync() ?? "";
        long length = 0;
        var chunked = false;
        for (var line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync())
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = long.Parse(line[15..].Trim());
            if (line.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)) chunked = true;
        }
        if (chunked) length = Convert.ToInt64(await reader.ReadLineAsync(), 16); // the problem document comes in one chunk
        var text = new char[length];
        await reader.ReadBlockAsync(text);
        tcp.Client.Shutdown(System.Net.Sockets.SocketShutdown.Both);
        await sending;
        return (int.Parse(statusLine.Split(' ')[1]), new string(text));
    }

    private sealed record HostileFile(string Name, byte[] Bytes, long? DeclaredSize = null);

    /// <summary>
    /// Puts files on the Blazor InputFile the way a browser (or a hostile script in it) can: any name, and optionally a
    /// <c>size</c> that differs from the content. Fails unless the input really reports the declared size.
    /// </summary>
    private static async Task SetFilesAsync(IPage page, params HostileFile[] files)
    {
        await page.WaitForFunctionAsync("() => document.querySelector('#dataset-files input[type=file]')?._blazorInputFileNextFileId !== undefined");
        var sizes = await page.EvaluateAsync<long[]>(
            """
            (files) => {
              const input = document.querySelector('#dataset-files input[type=file]');
              const transfer = new DataTransfer();
              for (const f of files)
                transfer.items.add(new File([Uint8Array.from(atob(f.base64), c => c.charCodeAt(0))], f.name, { type: 'application/octet-stream' }));
              input.files = transfer.files;
              files.forEach((f, i) => { if (f.declaredSize !== null) Object.defineProperty(input.files[i], 'size', { value: f.declaredSize }); });
              input.dispatchEvent(new Event('change', { bubbles: true }));
              return [...input.files].map(f => f.size);
            }
            """,
            files.Select(f => new { name = f.Name, base64 = Convert.ToBase64String(f.Bytes), declaredSize = f.DeclaredSize }).ToArray());
        Assert.Equal(files.Select(f => f.DeclaredSize ?? f.Bytes.Length), sizes);
    }

    /// <summary>Sets files, waits until the page lists them (it fills in a name from the first), then sets the dataset name.</summary>
    private static async Task ChooseAsync(IPage page, string datasetName, params HostileFile[] files)
    {
        await SetFilesAsync(page, files);
        await Assertions.Expect(page.Locator(".vwb-upload-item")).ToHaveCountAsync(files.Length);
        await page.FillAsync("#dataset-name", datasetName);
    }

    private static byte[] Png(int seed, int width = 8, int height = 8)
    {
        var pixels = new byte[width * height];
        new Random(seed).NextBytes(pixels);
        return PngEncoder.Encode(new Image(width, height, 1, pixels));
    }

    /// <summary>Empty entries with short names, so 10,000 of them fit under the 1 MB cap (about 90 bytes each).</summary>
    private static byte[] ManyEntryZip(int entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            for (var i = 0; i < entries; i++)
                zip.CreateEntry(i.ToString(), CompressionLevel.NoCompression);
        Assert.True(buffer.Length < Cap, $"the ZIP is {buffer.Length} bytes");
        return buffer.ToArray();
    }
}
