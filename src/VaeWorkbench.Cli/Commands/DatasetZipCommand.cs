using System.Globalization;
using VaeWorkbench.Imaging.Datasets;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Transforms;

namespace VaeWorkbench.Cli.Commands;

/// <summary>
/// <c>vae dataset zip</c>: writes a dataset (an IDX split, say) as an ImageFolder ZIP, <c>class/00000.png</c>, the form the
/// workbench's upload and torchvision's <c>ImageFolder</c> both read. The getting-started guide makes its upload with it.
/// </summary>
public sealed class DatasetZipCommand : ICliCommand
{
    public string Name => "dataset zip";

    public string Summary => "write a dataset (IDX split, folder or ZIP) as an ImageFolder ZIP of PNGs";

    public string Usage => """
        usage: vae dataset zip --data <path> --out <file.zip> [--split test|train] [--classes a,b,...] [--only c,d,...] [--limit N]
          --data     an IDX directory (train-*, t10k-*) or an image folder / ZIP in ImageFolder layout
          --split    which IDX split to write (default test when the directory has one)
          --classes  folder names for labels 0, 1, ... (default: a classes.txt beside the IDX files, else the label numbers)
          --only     write only these classes (folder names or label numbers), e.g. the normal classes to train an anomaly model on
          --limit    read only the first N images of the source
        Images go to <class>/<index>.png (unlabeled/ without a label), index = position in the source, from 0.
        """;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var data = args.Required("data");
        var output = args.Required("out");
        var split = args.Choice("split", DatasetLoader.HasSplit(data, DatasetSplit.Test) ? DatasetSplit.Test : DatasetSplit.Train,
            new Dictionary<string, DatasetSplit> { ["test"] = DatasetSplit.Test, ["train"] = DatasetSplit.Train });
        var classes = args.String("classes")?.Split(',', StringSplitOptions.TrimEntries);
        var only = args.String("only")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        int? limit = args.Has("limit") ? args.Int("limit", 0, min: 1) : null;
        args.EnsureAllConsumed();
        classes ??= ClassesFile(data);
        if (classes?.FirstOrDefault(c => !IsFolderName(c)) is { } bad)
            throw new UsageException($"--classes: '{bad}' cannot be a folder name (empty, '.', '..', or holds / \\ :)");

        var dataset = DatasetLoader.Load(data, split, limit);
        if (only is not null)
        {
            var known = Enumerable.Range(0, dataset.Labels?.Max() + 1 ?? 0).SelectMany(l => new[] { FolderFor(l, classes), l.ToString(CultureInfo.InvariantCulture) }).ToHashSet();
            if (only.FirstOrDefault(c => !known.Contains(c)) is { } unknown)
                throw new UsageException($"--only: the dataset has no class '{unknown}' (it has {string.Join(", ", Enumerable.Range(0, dataset.Labels?.Max() + 1 ?? 0).Select(l => FolderFor(l, classes)))})");
        }
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var temporary = output + ".partial";
        using (var file = File.Create(temporary))
        using (var zip = new ZipStreamWriter(file, DateTime.Now))
        {
            var width = dataset.Count.ToString(CultureInfo.InvariantCulture).Length;
            for (var i = 0; i < dataset.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var folder = FolderFor(dataset.Labels?[i], classes);
                if (only is not null && !only.Contains(folder) && !only.Contains(dataset.Labels?[i].ToString(CultureInfo.InvariantCulture) ?? "")) continue;
                var png = PngEncoder.Encode(TensorConversion.FromChw(dataset.Image(i), dataset.Channels, dataset.Height, dataset.Width));
                zip.AddStored($"{folder}/{i.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0')}.png", png);
                counts[folder] = counts.GetValueOrDefault(folder) + 1;
            }
            zip.Finish();
        }
        // Renamed only when whole, so an interrupted run never leaves a ZIP that looks finished.
        File.Move(temporary, output, overwrite: true);
        stdout.WriteLine($"{output}: {counts.Values.Sum()} images of {dataset.Channels}x{dataset.Height}x{dataset.Width} in {counts.Count} folders " +
            $"({string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))})");
        return 0;
    }

    private static string FolderFor(int? label, string[]? classes) => label switch
    {
        null or < 0 => ImageFolderExportWriter.Unlabeled,
        { } l when classes is not null && l < classes.Length => classes[l],
        { } l => l.ToString(CultureInfo.InvariantCulture),
    };

    private static string[]? ClassesFile(string data)
    {
        var path = Path.Combine(data, "classes.txt");
        return Directory.Exists(data) && File.Exists(path)
            ? File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray()
            : null;
    }

    private static bool IsFolderName(string name) =>
        name.Length > 0 && name is not "." and not ".." && name.IndexOfAny(['/', '\\', ':']) < 0;
}
