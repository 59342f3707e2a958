using System.Diagnostics;
using System.Globalization;
using VaeWorkbench.Imaging.Formats.Png;

namespace VaeWorkbench.Benchmarks.Imaging;

/// <summary>
/// Times our PNG decoder against the system decoders on the same file in the same run:
/// libpng through <c>pngtopnm</c> (whole process, output to /dev/null; the process's own start-up is measured
/// separately with <c>pngtopnm --version</c> and reported), and Pillow's <c>Image.load()</c> timed inside Python.
/// Prints the median of each and the ratios.
/// </summary>
public static class PngVersusNative
{
    public const string Command = "imaging-vs-native";

    public static int Run(string[] args)
    {
        if (args.Length < 1 || !File.Exists(args[0]))
        {
            Console.Error.WriteLine($"usage: {Command} <file.png> [repetitions]");
            return 2;
        }
        var path = args[0];
        var repetitions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
        var data = File.ReadAllBytes(path);
        var info = PngDecoder.Identify(data);

        for (var i = 0; i < 60; i++) PngDecoder.Decode(data); // warm up: tiered JIT promotes hot methods after 30 calls
        var ours = Median(repetitions, () => PngDecoder.Decode(data));
        var pngtopnm = Median(repetitions, () => RunProcess("/bin/sh", "-c", $"pngtopnm '{path}' > /dev/null"));
        var startup = Median(repetitions, () => RunProcess("/bin/sh", "-c", "pngtopnm --version 2> /dev/null"));
        var pillow = PillowMilliseconds(path, repetitions);

        Console.WriteLine($"file: {path} ({info.Width}x{info.Height}, {info.Channels} channels, {data.Length} bytes), median of {repetitions}");
        Console.WriteLine($"ours (PngDecoder.Decode, in process):        {ours,8:F2} ms");
        Console.WriteLine($"pngtopnm (libpng, whole process):           {pngtopnm,8:F2} ms   (of which start-up ~{startup:F2} ms)");
        Console.WriteLine($"Pillow Image.open().load() (in process):    {pillow,8:F2} ms");
        Console.WriteLine($"ratio ours / pngtopnm:                      {ours / pngtopnm,8:F2}");
        Console.WriteLine($"ratio ours / (pngtopnm - start-up):         {ours / Math.Max(0.01, pngtopnm - startup),8:F2}");
        Console.WriteLine($"ratio ours / Pillow:                        {ours / pillow,8:F2}");
        return 0;
    }

    private static double Median(int repetitions, Action action)
    {
        var times = new double[repetitions];
        for (var i = 0; i < repetitions; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times[i] = watch.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[repetitions / 2];
    }

    private static void RunProcess(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, UseShellExecute = false })!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
    }

    private static double PillowMilliseconds(string path, int repetitions)
    {
        var script = "import sys, time\nfrom PIL import Image\ntimes = []\n" +
                     $"for i in range({repetitions + 3}):\n    t = time.perf_counter(); im = Image.open(sys.argv[1]); im.load(); times.append(time.perf_counter() - t)\n" +
                     "times = sorted(times[3:])\nprint(times[len(times) // 2] * 1000)";
        using var process = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", script, path]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return double.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }
}
