using Microsoft.AspNetCore.Mvc.Testing;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Imaging.Formats;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Tests.Infrastructure;

/// <summary>Ready datasets of real Fashion-MNIST images, stored the way an import stores them (rows + packed tensor blob).</summary>
public static class TestDatasets
{
    public const string FashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    private static readonly Lazy<(IdxImages Images, byte[] Labels)> TestSplit = new(() =>
    {
        var images = Path.Combine(FashionMnistDirectory, "t10k-images-idx3-ubyte.gz");
        if (!File.Exists(images))
            throw new InvalidOperationException($"Fashion-MNIST is missing at {FashionMnistDirectory}. Run: sudo apt-get install -y dataset-fashion-mnist (scripts/test.sh does this).");
        return (IdxReader.ReadImages(images), IdxReader.ReadLabels(Path.Combine(FashionMnistDirectory, "t10k-labels-idx1-ubyte.gz")));
    });

    /// <param name="withClasses">False stores the images without labels or class names: a dataset without classes.</param>
    public static async Task<Guid> CreateFashionMnistAsync(this WebApplicationFactory<Program> factory, Guid teamId, int count, string name = "fashion", bool withClasses = true)
    {
        var (images, labels) = TestSplit.Value;
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var blobs = scope.ServiceProvider.GetRequiredService<BlobStore>();
        var owner = await db.TeamMembers.Where(m => m.TeamId == teamId).Select(m => m.UserId).FirstAsync();

        using var tensor = new MemoryStream();
        var rowLabels = Enumerable.Range(0, count).Select(i => withClasses ? labels[i] : (int?)null).ToList();
        DatasetTensorFile.Write(tensor, 1, 28, rowLabels, Enumerable.Range(0, count).Select(i => images.ImageBytes(i).ToArray()));
        var hash = blobs.Put(tensor.ToArray());

        var dataset = new Dataset
        {
            Id = Guid.NewGuid(), TeamId = teamId, Name = name, ImageSize = 28, Channels = 1, Status = DatasetStatus.Ready,
            ImageCount = count, ClassNamesJson = withClasses ? JsonSerializer.Serialize(Enumerable.Range(0, 10).Select(i => i.ToString())) : "[]",
            TensorHash = hash, CreatedByUserId = owner, CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Datasets.Add(dataset);
        await db.SaveChangesAsync();
        return dataset.Id;
    }
}
