using VaeWorkbench.Imaging.Transforms;

namespace VaeWorkbench.Imaging.Datasets;

/// <summary>
/// A whole dataset as the engine's input: <see cref="Count"/> images of (Channels, Size, Size) floats in [0, 1],
/// back to back in <see cref="Data"/>. <see cref="Labels"/> index <see cref="LabelNames"/> (ordinal order), -1 when unlabeled.
/// </summary>
public sealed record TensorDataset(int Count, int Channels, int Size, float[] Data, int[] Labels, IReadOnlyList<string> LabelNames, DatasetImportReport Report)
{
    public int ImageLength => Channels * Size * Size;

    public ReadOnlySpan<float> Image(int index) => Data.AsSpan(index * ImageLength, ImageLength);
}

/// <summary>Reads any dataset source (see <see cref="DatasetReader"/>), normalises each image and packs them for training (for <c>vae train</c>).</summary>
public static class TensorDatasetLoader
{
    public static TensorDataset Load(IEnumerable<DatasetEntry> entries, NormalizeOptions normalize, CancellationToken cancellationToken = default)
    {
        var imageLength = normalize.Channels * normalize.Size * normalize.Size;
        var data = new List<float[]>();
        var labels = new List<string?>();
        var report = DatasetImporter.Import(entries, image =>
        {
            data.Add(TensorConversion.ToChw(ImageNormalizer.Normalize(image.Image, normalize)));
            labels.Add(image.Label);
        }, cancellationToken);
        var names = labels.Where(l => l is not null).Select(l => l!).Distinct().Order(StringComparer.Ordinal).ToList();
        var index = names.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var packed = new float[(long)data.Count * imageLength];
        for (var i = 0; i < data.Count; i++) data[i].CopyTo(packed, (long)i * imageLength);
        return new TensorDataset(data.Count, normalize.Channels, normalize.Size, packed,
            labels.Select(l => l is null ? -1 : index[l]).ToArray(), names, report);
    }

    public static TensorDataset Load(string path, NormalizeOptions normalize, DatasetReadOptions? options = null, CancellationToken cancellationToken = default) =>
        Load(DatasetReader.Read(path, options, cancellationToken), normalize, cancellationToken);
}
