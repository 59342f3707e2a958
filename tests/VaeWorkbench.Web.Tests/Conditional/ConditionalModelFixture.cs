using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Conditional;

/// <summary>
/// One real conditional model for the tests of every path that runs it: 300 Fashion-MNIST images with their 10 classes
/// (and the per-image rows scoring and review need), trained for 2 epochs through the API. The tests compare what the
/// app shows with the same model file run here at each image's own class.
/// </summary>
public sealed class ConditionalModelFixture : IAsyncLifetime
{
    public const int Images = 300;

    public WorkbenchFactory Factory { get; } = new(new()
    {
        ["Training:DefaultThreads"] = "1",
        ["Training:PollSeconds"] = "1",
        ["Scoring:Threads"] = "1",
        ["Scoring:PollSeconds"] = "1",
        ["Augmentation:Threads"] = "1",
        ["Augmentation:PollSeconds"] = "1",
    });

    public ApiUser Owner { get; private set; } = null!;
    public string OwnerId { get; private set; } = "";
    public Guid TeamId { get; private set; }
    public Guid DatasetId { get; private set; }
    public Guid RunId { get; private set; }
    public Guid ModelId { get; private set; }

    /// <summary>The trained model, loaded from the file the app serves (one thread).</summary>
    public Vae Model { get; private set; } = null!;

    /// <summary>The training dataset's images and labels, as the app stores them.</summary>
    public ImageDataset Data { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Owner = await Factory.RegisterWithTokenAsync();
        TeamId = await Owner.PersonalTeamIdAsync();
        DatasetId = await Factory.CreateFashionMnistAsync(TeamId, Images, "fashion classes");
        await DatasetImageRows.AddAsync(Factory, DatasetId);
        var created = await Owner.Client.PostAsJsonAsync("/api/runs", new { datasetId = DatasetId, conditional = true, epochs = 2, batch = 64, seed = 3 });
        await ApiClient.EnsureStatusAsync(created, HttpStatusCode.Created);
        RunId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var run = await Eventually.WaitForAsync(() => Owner.GetJsonAsync($"/api/runs/{RunId}"),
            r => r.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled", TimeSpan.FromMinutes(3), "the conditional run");
        Assert.True(run.GetProperty("status").GetString() == "Succeeded", $"the conditional run did not succeed: {run}");
        ModelId = run.GetProperty("modelId").GetGuid();
        Model = ModelFile.Load(await Owner.Client.GetByteArrayAsync($"/api/models/{ModelId}/file")).Model;
        Assert.Equal(10, Model.ClassCount);

        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        OwnerId = await db.Users.Where(u => u.Email == Owner.Email).Select(u => u.Id).SingleAsync();
        Data = DatasetTensorLoader.Load(scope.ServiceProvider.GetRequiredService<BlobStore>(), await db.Datasets.SingleAsync(d => d.Id == DatasetId));
    }

    public T Service<T>(IServiceScope scope) where T : notnull => scope.ServiceProvider.GetRequiredService<T>();

    /// <summary>Image <paramref name="index"/>'s class, and a class it is not of.</summary>
    public (int Own, int Other) ClassesOf(int index) => (Data.Labels![index], (Data.Labels[index] + 1) % 10);

    /// <summary>The pixels of a PNG data URL or file, as bytes.</summary>
    public static byte[] PngBytes(string dataUrl) => PngBytes(Convert.FromBase64String(dataUrl["data:image/png;base64,".Length..]));

    public static byte[] PngBytes(byte[] png) => PngDecoder.Decode(png).Pixels;

    /// <summary>The grid the pages compose of these 28 px images, as bytes.</summary>
    public static byte[] GridBytes(float[] images, int count, int columns) =>
        Imaging.Transforms.ImageGrid.Compose(images, count, 1, 28, 28, columns).Pixels;

    /// <summary>The largest difference between two 8-bit pictures of the same size.</summary>
    public static int MaxDifference(byte[] a, byte[] b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0;
        for (var i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class ConditionalModelCollection : ICollectionFixture<ConditionalModelFixture>
{
    public const string Name = "A trained conditional model";
}
