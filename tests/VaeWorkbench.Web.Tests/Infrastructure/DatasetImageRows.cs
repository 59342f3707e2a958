using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Imaging.Transforms;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Storage;

namespace VaeWorkbench.Web.Tests.Infrastructure;

/// <summary>
/// Adds the per-image rows (and their PNG blobs) an import would have made, to a dataset made by
/// <see cref="TestDatasets.CreateFashionMnistAsync"/>, which stores only the packed tensor. Scoring and review need them.
/// </summary>
public static class DatasetImageRows
{
    public static async Task<List<long>> AddAsync(WebApplicationFactory<Program> factory, Guid datasetId)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var blobs = scope.ServiceProvider.GetRequiredService<BlobStore>();
        var dataset = await db.Datasets.SingleAsync(d => d.Id == datasetId);
        Engine.Data.ImageDataset tensor;
        await using (var stream = blobs.OpenRead(dataset.TensorHash!)) tensor = DatasetTensorFile.Read(stream);
        var rows = Enumerable.Range(0, tensor.Count).Select(i => new DatasetImage
        {
            DatasetId = datasetId, Index = i, Label = tensor.Labels?[i], OriginalName = $"t10k/{i:D5}.png",
            ContentHash = blobs.Put(PngEncoder.Encode(TensorConversion.FromChw(tensor.Image(i), 1, 28, 28))),
        }).ToList();
        db.DatasetImages.AddRange(rows);
        await db.SaveChangesAsync();
        return [.. rows.Select(r => r.Id)];
    }
}
