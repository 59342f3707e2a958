using System.IO.Compression;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Formats;
using VaeWorkbench.Imaging.Formats.Png;

namespace VaeWorkbench.E2E.Infrastructure;

/// <summary>Test uploads made of real Fashion-MNIST images (Debian's dataset-fashion-mnist).</summary>
public static class FashionData
{
    private const string FashionImages = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    private const string FashionTrainImages = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
    private static readonly string[] FashionClasses = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static IReadOnlyList<string> ClassNames => FashionClasses;

    /// <summary>
    /// An ImageFolder ZIP of real Fashion-MNIST test images (or training images), plus (unless told not to) one text file
    /// the import must skip.
    /// </summary>
    public static byte[] Zip(int perClass, int[] classes, bool withStrayTextFile = true, bool trainingSplit = false)
    {
        var source = trainingSplit ? FashionTrainImages : FashionImages;
        if (!File.Exists(source))
            throw new InvalidOperationException("Fashion-MNIST is missing. Run: apt-get install -y dataset-fashion-mnist (scripts/test.sh does this).");
        var images = IdxReader.ReadImages(source);
        var labels = IdxReader.ReadLabels(source.Replace("images-idx3", "labels-idx1"));
        var taken = new Dictionary<int, int>();
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < images.Count; i++)
            {
                int label = labels[i];
                if (!classes.Contains(label) || taken.GetValueOrDefault(label) >= perClass) continue;
                taken[label] = taken.GetValueOrDefault(label) + 1;
                using var entry = zip.CreateEntry($"{FashionClasses[label]}/{i:D5}.png").Open();
                entry.Write(PngEncoder.Encode(new Image(28, 28, 1, images.ImageBytes(i).ToArray())));
            }
            if (withStrayTextFile)
            {
                using var text = zip.CreateEntry("Bag/readme.txt").Open();
                text.Write("not an image"u8);
            }
        }
        return buffer.ToArray();
    }
}
