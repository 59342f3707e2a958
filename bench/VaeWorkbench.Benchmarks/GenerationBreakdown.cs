using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using VaeWorkbench.Engine;
using VaeWorkbench.Engine.Generation;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Losses;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Datasets;
using VaeWorkbench.Imaging.Formats;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Formats.Zlib;
using VaeWorkbench.Imaging.Transforms;

namespace VaeWorkbench.Benchmarks;

/// <summary>
/// Where `vae generate` spends its time, stage by stage, on the same images: sampling, the decoder (GEMMs and
/// activations), the sigmoid alone, quantising to bytes, PNG filtering, the deflate stream, CRC-32, the whole PNG
/// encoder, and writing a ZIP of finished PNGs. Each stage is run on its own and timed, so the figures add up to
/// roughly the product path when each is run alone (best of three runs each).
/// </summary>
internal static class GenerationBreakdown
{
    public const string Command = "generate-breakdown";

    // args: model.vae [count] [threads]
    public static int Run(string[] args)
    {
        if (args.Length is < 1 or > 3)
        {
            Console.Error.WriteLine($"usage: {Command} <model.vae> [count=20000] [threads=2]");
            return 2;
        }
        var model = ModelFile.Load(args[0]).Model;
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20000;
        model.Threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
        var c = model.Config;

        var z = new float[count * model.Latent];
        Report("sample z (Gaussian RNG)", count, () => new Rng(1).FillGaussian(z, 1f));
        float[] pixels = [];
        model.Decode(z.AsSpan(0, 256 * model.Latent), 256); // warm-up: JIT, packing buffers
        Report($"decode ({model.Threads} threads: GEMMs, activations, sigmoid)", count, () => pixels = model.Decode(z, count));
        DecoderLayers(model, z, count);
        var scratch = new float[pixels.Length];
        Report("sigmoid alone (LogisticKernel)", count, () => ReconstructionLoss.ToPixels(pixels, scratch));

        var images = new Image[count];
        Report("quantise to bytes (TensorConversion.FromChw)", count, () =>
        {
            for (var i = 0; i < count; i++) images[i] = TensorConversion.FromChw(pixels.AsSpan(i * c.PixelCount, c.PixelCount), c.Channels, c.Height, c.Width);
        });

        var filtered = new byte[count][];
        Report("PNG filter choice, reference (each filter applied, then scored)", count, () =>
        {
            for (var i = 0; i < count; i++) filtered[i] = FilteredRowsNaive(images[i]);
        });
        Report("PNG filter choice (five scores in one pass)", count, () =>
        {
            for (var i = 0; i < count; i++) filtered[i] = PngRowFilters.FilterAll(images[i]);
        });
        long deflated = 0;
        Report("deflate of the filtered rows (System.IO.Compression ZLibStream, Fastest)", count, () =>
        {
            deflated = 0;
            foreach (var rows in filtered)
            {
                var sink = new MemoryStream();
                using (var zlib = new ZLibStream(sink, CompressionLevel.Fastest, leaveOpen: true)) zlib.Write(rows);
                deflated += sink.Length;
            }
        });
        long ours = 0;
        Report("deflate of the filtered rows (our ZlibEncoder)", count, () =>
        {
            ours = 0;
            foreach (var rows in filtered) ours += ZlibEncoder.ForThisThread.Compress(rows).Length;
        });
        uint crc = 0;
        Report("CRC-32 of the filtered rows (carry-less folding past 64 bytes)", count, () =>
        {
            foreach (var rows in filtered) crc ^= Crc32.Compute(rows);
        });
        Report("Adler-32 of the filtered rows", count, () =>
        {
            foreach (var rows in filtered) crc ^= Adler32.Compute(rows);
        });

        var pngs = new byte[count][];
        Report("PNG encoder, whole (Fastest: our deflate)", count, () =>
        {
            for (var i = 0; i < count; i++) pngs[i] = PngEncoder.Encode(images[i], CompressionLevel.Fastest);
        });
        Report("ZIP of finished PNGs (ZipStreamWriter, stored entries, to a null stream)", count, () =>
        {
            using var zip = new ZipStreamWriter(Stream.Null, DateTime.Now);
            for (var i = 0; i < count; i++) zip.AddStored(FormattableString.Invariant($"unlabeled/{i + 1:D6}.png"), pngs[i]);
            zip.Finish();
        });
        Console.WriteLine(FormattableString.Invariant($"{{\"stage\":\"sizes\",\"zlib_fastest_bytes_per_image\":{deflated / (double)count:F1},\"ours_bytes_per_image\":{ours / (double)count:F1},\"png_bytes_per_image\":{pngs.Average(p => p.Length):F1},\"crc\":{crc}}}"));
        return 0;
    }

    // Each decoder layer's forward pass on one thread, in batches of a generation chunk: where the decode time goes.
    private static void DecoderLayers(Vae model, float[] z, int count)
    {
        var replica = model.Replicate();
        var layers = replica.Decoder.Layers;
        const int batch = Generator.ChunkSize;
        var inputs = new float[layers.Count][];
        var n = Math.Min(batch, count);
        inputs[0] = z.AsSpan(0, n * model.Latent).ToArray();
        for (var l = 0; l + 1 < layers.Count; l++) inputs[l + 1] = (float[])layers[l].Forward(inputs[l], n).Clone();
        for (var l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            var input = inputs[l];
            Report(FormattableString.Invariant($"decoder layer {l} {layer.GetType().Name} {layer.InputSize}->{layer.OutputSize} (1 thread)"), count, () =>
            {
                for (var done = 0; done < count; done += n) layer.Forward(input, n);
            });
        }
    }

    private static byte[] FilteredRowsNaive(Image image)
    {
        var stride = image.Stride;
        var output = new byte[image.Height * (stride + 1)];
        for (var y = 0; y < image.Height; y++)
        {
            var row = image.Pixels.AsSpan(y * stride, stride);
            var prior = y == 0 ? new byte[stride] : image.Pixels.AsSpan((y - 1) * stride, stride);
            var best = PngRowFilters.ChooseNaive(row, prior, image.Channels);
            output[y * (stride + 1)] = (byte)best;
            PngEncoder.Filter(best, row, prior, image.Channels, output.AsSpan(y * (stride + 1) + 1, stride));
        }
        return output;
    }

    private static void Report(string stage, int count, Action action)
    {
        // Best of three: the first run also pays for JIT tiers and first touches of new arrays. CPU time is reported
        // beside wall time because the machine is shared: it is what the stage costs when it gets a core.
        double seconds = double.MaxValue, cpuSeconds = double.MaxValue;
        var process = Process.GetCurrentProcess();
        for (var round = 0; round < 3; round++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            action();
            seconds = Math.Min(seconds, clock.Elapsed.TotalSeconds);
            process.Refresh();
            cpuSeconds = Math.Min(cpuSeconds, (process.TotalProcessorTime - cpu).TotalSeconds);
        }
        Console.WriteLine(FormattableString.Invariant($"{{\"stage\":\"{stage}\",\"seconds\":{seconds:F3},\"us_per_image\":{seconds * 1e6 / count:F2},\"cpu_us_per_image\":{cpuSeconds * 1e6 / count:F2}}}"));
    }
}
