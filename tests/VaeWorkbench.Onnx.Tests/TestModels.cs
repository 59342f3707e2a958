using System.IO.Compression;
using VaeWorkbench.Engine;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Onnx.Tests;

/// <summary>Models and images for the export tests: Fashion-MNIST (Debian's dataset-fashion-mnist) and seeded random pixels.</summary>
internal static class TestModels
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist";

    /// <summary>The first <paramref name="count"/> images of a Fashion-MNIST split ("train" or "t10k"), with their labels.</summary>
    public static ImageDataset Fashion(string split, int count)
    {
        using var images = Open(split, "images", 16);
        var bytes = new byte[count * 784];
        images.ReadExactly(bytes);
        return ImageDataset.FromBytes(bytes, count, 1, 28, 28, FashionLabels(split, count));
    }

    /// <summary>The classes (0..9) of the first <paramref name="count"/> images of a split.</summary>
    public static int[] FashionLabels(string split, int count)
    {
        using var labels = Open(split, "labels", 8);
        var bytes = new byte[count];
        labels.ReadExactly(bytes);
        return bytes.Select(b => (int)b).ToArray();
    }

    // An IDX file of the split, past its header.
    private static GZipStream Open(string split, string kind, int headerBytes)
    {
        var path = Path.Combine(FashionMnist, $"{split}-{kind}-idx{(kind == "images" ? 3 : 1)}-ubyte.gz");
        if (!File.Exists(path)) Assert.Fail($"{path} is missing: apt-get install -y dataset-fashion-mnist (scripts/test.sh does this)");
        var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        gzip.ReadExactly(new byte[headerBytes]);
        return gzip;
    }

    /// <summary>Independent uniform pixels in [0, 1], reproducible from <paramref name="seed"/>.</summary>
    public static ImageDataset RandomImages(int count, int channels, int height, int width, ulong seed)
    {
        var rng = new Rng(seed);
        var pixels = new float[count * channels * height * width];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = rng.NextFloat();
        return new ImageDataset(pixels, count, channels, height, width, null);
    }

    /// <summary>The model trained for one epoch on <paramref name="train"/> (seeded), so its weights are no longer the initial ones.</summary>
    public static Vae TrainedBriefly(VaeConfig config, ImageDataset train)
    {
        var trainer = new Trainer(new Vae(config, 7), new TrainingOptions { Epochs = 1, BatchSize = 128, Seed = 7, Threads = 2 });
        trainer.Run(train, null);
        return trainer.Model;
    }

    /// <summary>The model as a model file would give it back: saved and loaded, so the export sees the file's config entry.</summary>
    public static LoadedModel ThroughFile(Vae model)
    {
        using var stream = new MemoryStream();
        ModelFile.Save(stream, model);
        return ModelFile.Load(stream.ToArray());
    }
}
