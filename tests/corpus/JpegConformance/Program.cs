// JPEG conformance and speed against libjpeg-turbo, over a corpus made by ../make_jpeg_corpus.py.
//   dotnet run -c Release --project tests/corpus/JpegConformance -- conformance /tmp/jpeg_corpus
//   dotnet run -c Release --project tests/corpus/JpegConformance -- speed photo.jpg [repeats]
//   dotnet run -c Release --project tests/corpus/JpegConformance -- fuzz /tmp/jpeg_corpus 10000 [seed]
using System.Diagnostics;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Formats.Jpeg;

return args switch
{
    ["conformance", var dir] => Conformance(dir),
    ["speed", var file] => Speed(file, 50),
    ["speed", var file, var repeats] => Speed(file, int.Parse(repeats)),
    ["fuzz", var dir, var cases] => Fuzz(dir, int.Parse(cases), 20261122),
    ["fuzz", var dir, var cases, var seed] => Fuzz(dir, int.Parse(cases), int.Parse(seed)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: conformance CORPUS_DIR | speed FILE.jpg [repeats]");
    return 2;
}

static int Conformance(string dir)
{
    int identical = 0, total = 0, failed = 0;
    double minPsnr = double.PositiveInfinity;
    string worst = "";
    foreach (var line in File.ReadAllLines(Path.Combine(dir, "manifest.tsv")))
    {
        var fields = line.Split('\t');
        total++;
        try
        {
            var image = JpegDecoder.Decode(File.ReadAllBytes(Path.Combine(dir, fields[0])));
            var reference = Pnm.Read(File.ReadAllBytes(Path.Combine(dir, fields[1])));
            if (reference.Width != image.Width || reference.Height != image.Height || reference.Channels != image.Channels)
            {
                failed++;
                Console.WriteLine($"SHAPE {fields[0]}: {image.Width}x{image.Height}x{image.Channels} vs {reference.Width}x{reference.Height}x{reference.Channels}");
                continue;
            }

            double psnr = Psnr(image.Pixels, reference.Pixels, out int differing);
            if (differing == 0) identical++;
            else Console.WriteLine($"DIFF {fields[0]}: {differing} samples differ, PSNR {psnr:F2} dB ({fields[2]})");
            if (psnr < minPsnr) (minPsnr, worst) = (psnr, fields[0]);
        }
        catch (InvalidImageException e)
        {
            failed++;
            Console.WriteLine($"FAIL {fields[0]}: {e.Message} ({fields[2]})");
        }
    }

    Console.WriteLine($"{total} files: {identical} identical to djpeg, {failed} failed, min PSNR {(double.IsPositiveInfinity(minPsnr) ? "inf" : $"{minPsnr:F2} dB")} {worst}");
    return failed == 0 && (identical == total || minPsnr >= 40) ? 0 : 1;
}

static int Fuzz(string dir, int cases, int seed)
{
    // Small corpus files only, so that 10,000 cases take minutes rather than hours.
    var seeds = File.ReadAllLines(Path.Combine(dir, "manifest.tsv"))
        .Select(line => Path.Combine(dir, line.Split('\t')[0]))
        .Where(path => new FileInfo(path).Length < 60_000)
        .Select(File.ReadAllBytes)
        .ToList();
    var random = new Random(seed);
    int decoded = 0, rejected = 0, crashed = 0;
    double slowest = 0;
    for (int i = 0; i < cases; i++)
    {
        var data = (byte[])seeds[random.Next(seeds.Count)].Clone();
        switch (random.Next(6))
        {
            case 4 or 5:
                // Structure-aware: rewrite a byte of the SOF's size, or a component's sampling factors.
                int sof = FindSof(data);
                if (sof < 0) break;
                if (random.Next(2) == 0)
                {
                    data[sof + 5 + random.Next(4)] = (byte)random.Next(256);
                }
                else
                {
                    int components = Math.Clamp((int)data[sof + 9], 1, 3);
                    data[sof + 11 + 3 * random.Next(components)] = (byte)random.Next(256);
                }

                break;
            case 0:
                for (int k = random.Next(1, 9); k > 0; k--) data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                for (int k = random.Next(1, 5); k > 0; k--) data[random.Next(Math.Min(800, data.Length))] = (byte)random.Next(256);
                break;
            case 2:
                data = data.AsSpan(0, random.Next(data.Length)).ToArray();
                break;
            default:
                int at = random.Next(data.Length - 1);
                data[at] = 0xFF;
                data[at + 1] = (byte)random.Next(256);
                break;
        }

        var sw = Stopwatch.StartNew();
        try
        {
            JpegDecoder.Decode(data);
            decoded++;
        }
        catch (InvalidImageException)
        {
            rejected++;
        }
        catch (Exception e)
        {
            crashed++;
            Console.WriteLine($"case {i}: {e.GetType().Name}: {e.Message}");
        }

        slowest = Math.Max(slowest, sw.Elapsed.TotalMilliseconds);
    }

    Console.WriteLine($"{cases} mutated files from {seeds.Count} seeds: {decoded} decoded, {rejected} InvalidImageException, {crashed} other exceptions; slowest {slowest:F1} ms");
    return crashed == 0 ? 0 : 1;
}

static int FindSof(byte[] jpeg)
{
    for (int i = 2; i + 12 < jpeg.Length; i++)
    {
        if (jpeg[i] == 0xFF && jpeg[i + 1] is 0xC0 or 0xC1 or 0xC2) return i;
    }

    return -1;
}

static double Psnr(byte[] a, byte[] b, out int differing)
{
    double sum = 0;
    differing = 0;
    for (int i = 0; i < a.Length; i++)
    {
        int d = a[i] - b[i];
        if (d != 0) differing++;
        sum += d * d;
    }

    return sum == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / (sum / a.Length));
}

static int Speed(string file, int repeats)
{
    var data = File.ReadAllBytes(file);
    var info = JpegDecoder.Identify(data);
    for (int i = 0; i < 5; i++) JpegDecoder.Decode(data);   // warm up the JIT (tiered compilation reaches tier 1)
    Thread.Sleep(200);
    for (int i = 0; i < 20; i++) JpegDecoder.Decode(data);
    var ours = new List<double>();
    for (int i = 0; i < repeats; i++)
    {
        var sw = Stopwatch.StartNew();
        JpegDecoder.Decode(data);
        ours.Add(sw.Elapsed.TotalMilliseconds);
    }

    // djpeg: wall time of the whole process (start-up included), output discarded.
    var djpeg = new List<double>();
    for (int i = 0; i < repeats; i++)
    {
        var sw = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo("djpeg", ["-pnm", "-outfile", "/dev/null", file]) { UseShellExecute = false })!;
        process.WaitForExit();
        djpeg.Add(sw.Elapsed.TotalMilliseconds);
    }

    // Pillow (libjpeg-turbo in process): decode time without process start-up.
    string script = "import sys,time\nfrom PIL import Image\nt=[]\nfor i in range(int(sys.argv[2])):\n s=time.perf_counter(); im=Image.open(sys.argv[1]); im.load(); t.append(time.perf_counter()-s)\nt.sort(); print(t[0]*1000, t[len(t)//2]*1000)";
    using var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", script, file, repeats.ToString()]) { UseShellExecute = false, RedirectStandardOutput = true })!;
    var pillow = python.StandardOutput.ReadToEnd().Trim().Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    python.WaitForExit();

    double Median(List<double> v) { v.Sort(); return v[v.Count / 2]; }
    double oursMin = ours.Min(), oursMedian = Median(ours), djpegMin = djpeg.Min(), djpegMedian = Median(djpeg);
    Console.WriteLine($"{file}: {info.Width}x{info.Height}, {info.Components} components, progressive={info.Progressive}, {data.Length} bytes, {repeats} runs each");
    Console.WriteLine($"ours, in process:              min {oursMin,6:F2} ms  median {oursMedian,6:F2} ms");
    Console.WriteLine($"Pillow (libjpeg-turbo), in process: min {pillow[0],6:F2} ms  median {pillow[1],6:F2} ms");
    Console.WriteLine($"djpeg, whole process (wall):   min {djpegMin,6:F2} ms  median {djpegMedian,6:F2} ms");
    Console.WriteLine($"ratio ours/Pillow: min {oursMin / pillow[0]:F2}, median {oursMedian / pillow[1]:F2}; ours/djpeg process: min {oursMin / djpegMin:F2}, median {oursMedian / djpegMedian:F2}");
    return 0;
}

/// <summary>Just enough of a binary PGM/PPM reader for djpeg's output.</summary>
static class Pnm
{
    public static Image Read(byte[] data)
    {
        int position = 0;
        string Token()
        {
            while (char.IsWhiteSpace((char)data[position])) position++;
            int start = position;
            while (!char.IsWhiteSpace((char)data[position])) position++;
            return System.Text.Encoding.ASCII.GetString(data, start, position - start);
        }

        string magic = Token();
        int width = int.Parse(Token()), height = int.Parse(Token());
        Token();
        position++;
        int channels = magic == "P5" ? 1 : 3;
        return new Image(width, height, channels, data.AsSpan(position, width * height * channels).ToArray());
    }
}
