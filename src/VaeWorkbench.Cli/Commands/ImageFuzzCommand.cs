using System.Text.Json;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Diagnostics;

namespace VaeWorkbench.Cli.Commands;

/// <summary><c>vae image fuzz</c>: mutation-fuzzes the image decoders with any set of valid files as seeds.</summary>
public sealed class ImageFuzzCommand : ICliCommand
{
    public string Name => "image fuzz";

    public string Summary => "mutation-fuzz the image decoders (robustness check)";

    public string Usage => """
        usage: vae image fuzz <file|folder>... [--cases 10000] [--seed 1] [--timeout-seconds 20]
          Seeds are the given files and every file in the given folders that decodes (any format; files that do not
          decode are left out). Prints a JSON report; exits 1 if any case ended in an exception other than
          InvalidImageException, hung, or allocated more than 1 GiB.
        """;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var options = new FuzzOptions
        {
            Cases = args.Int("cases", 10_000, 1, 100_000_000),
            Seed = args.Int("seed", 1),
            CaseTimeout = TimeSpan.FromSeconds(args.Int("timeout-seconds", 20, 1, 3600)),
        };
        args.EnsureAllConsumed();
        if (args.Positionals.Count == 0) throw new UsageException("needs at least one seed file or folder");
        var seeds = new List<(string, byte[])>();
        foreach (var path in args.Positionals.SelectMany(Expand))
        {
            var data = File.ReadAllBytes(path);
            try
            {
                ImageDecoder.Decode(data);
                seeds.Add((Path.GetFileName(path), data));
            }
            catch (InvalidImageException)
            {
                // Not a seed this build can decode (for example a reference .pam or an unsupported variant).
            }
        }
        if (seeds.Count == 0) throw new UsageException("none of the given files decodes, so there is nothing to mutate");
        var byFormat = seeds.GroupBy(s => ImageDecoder.DetectFormat(s.Item2).ToString().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.Count());
        stderr.WriteLine($"fuzzing with {seeds.Count} seeds ({string.Join(", ", byFormat.Select(kv => $"{kv.Value} {kv.Key}"))}), {options.Cases} cases");
        var report = MutationFuzzer.Run(seeds, options, done =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (done % 1000 == 0) stderr.WriteLine($"  {done} cases");
        });
        stdout.WriteLine(JsonSerializer.Serialize(new
        {
            cases = report.Cases,
            decoded = report.Decoded,
            rejected = report.Rejected,
            failures = report.Failures,
            seeds = byFormat,
            slowestCaseMs = Math.Round(report.SlowestCaseMs, 1),
            mostAllocatedBytes = report.MostAllocatedBytes,
            seconds = Math.Round(report.TotalSeconds, 1),
        }, new JsonSerializerOptions { WriteIndented = true }));
        return report.Failures.Count == 0 ? 0 : 1;
    }

    private static IEnumerable<string> Expand(string path) =>
        Directory.Exists(path) ? Directory.EnumerateFiles(path).Order(StringComparer.Ordinal)
        : File.Exists(path) ? [path]
        : throw new UsageException($"no file or folder at {path}");
}
