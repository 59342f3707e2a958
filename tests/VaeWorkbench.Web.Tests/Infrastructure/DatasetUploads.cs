using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Formats;
using VaeWorkbench.Imaging.Formats.Png;

namespace VaeWorkbench.Web.Tests.Infrastructure;

/// <summary>Real Fashion-MNIST images (from the Debian package's IDX files) packed as uploads the way users send them.</summary>
public static class DatasetUploads
{
    public const string FashionDirectory = "/usr/share/datasets/fashion-mnist";

    public static readonly string[] FashionClasses = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private static readonly Lazy<(IdxImages Images, byte[] Labels)> TestSet = new(() =>
    {
        var images = Path.Combine(FashionDirectory, "t10k-images-idx3-ubyte.gz");
        if (!File.Exists(images))
            throw new InvalidOperationException($"Fashion-MNIST is missing at {FashionDirectory}. Run: apt-get install -y dataset-fashion-mnist (scripts/test.sh does this).");
        return (IdxReader.ReadImages(images), IdxReader.ReadLabels(Path.Combine(FashionDirectory, "t10k-labels-idx1-ubyte.gz")));
    });

    /// <summary>Image <paramref name="index"/> of the Fashion-MNIST test set: 28x28 grey, and its label 0..9.</summary>
    public static (Image Image, int Label) Fashion(int index)
    {
        var (images, labels) = TestSet.Value;
        return (new Image(images.Columns, images.Rows, 1, images.ImageBytes(index).ToArray()), labels[index]);
    }

    /// <summary>
    /// A ZIP in ImageFolder layout ("Trouser/00012.png") of the first test images whose label is in <paramref name="classes"/>,
    /// <paramref name="perClass"/> of each. Returns the bytes and the images in the order written.
    /// </summary>
    public static (byte[] Zip, List<(string Name, int Label, Image Image)> Images) FashionZip(int perClass, int[] classes, Action<ZipArchive>? extra = null)
    {
        var written = new List<(string, int, Image)>();
        var perLabel = new Dictionary<int, int>();
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < 10_000 && written.Count < perClass * classes.Length; i++)
            {
                var (image, label) = Fashion(i);
                if (!classes.Contains(label) || perLabel.GetValueOrDefault(label) >= perClass) continue;
                perLabel[label] = perLabel.GetValueOrDefault(label) + 1;
                var name = $"{FashionClasses[label]}/{i:D5}.png";
                using (var entry = zip.CreateEntry(name).Open()) entry.Write(PngEncoder.Encode(image));
                written.Add((name, label, image));
            }
            extra?.Invoke(zip);
        }
        return (buffer.ToArray(), written);
    }

    /// <summary>The first <paramref name="count"/> test images and labels as an IDX pair (images gzipped, labels plain).</summary>
    public static (byte[] Images, byte[] Labels) FashionIdxPair(int count)
    {
        var images = new byte[16 + count * 784];
        BinaryPrimitives.WriteInt32BigEndian(images, 0x0803);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), 28);
        var labels = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(labels, 0x0801);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), count);
        for (var i = 0; i < count; i++)
        {
            var (image, label) = Fashion(i);
            image.Pixels.CopyTo(images, 16 + i * 784);
            labels[8 + i] = (byte)label;
        }
        using var gz = new MemoryStream();
        using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) zip.Write(images);
        return (gz.ToArray(), labels);
    }

    public static MultipartFormDataContent Form(string name, int imageSize, int channels, IEnumerable<(string FileName, byte[] Bytes)> files, Guid? teamId = null)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(name), "name" },
            { new StringContent(imageSize.ToString()), "imageSize" },
            { new StringContent(channels.ToString()), "channels" },
        };
        if (teamId is { } team) form.Add(new StringContent(team.ToString()), "teamId");
        foreach (var (fileName, bytes) in files)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, "files", fileName);
        }
        return form;
    }

    /// <summary>Uploads and expects 201; returns the import result.</summary>
    public static async Task<JsonElement> UploadAsync(this ApiUser user, MultipartFormDataContent form)
    {
        var response = await user.Client.PostAsync("/api/datasets", form);
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.Created);
        Assert.NotNull(response.Headers.Location);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
