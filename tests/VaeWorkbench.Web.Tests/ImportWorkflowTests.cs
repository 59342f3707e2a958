using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;
using VaeWorkbench.Imaging;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>
/// Issue 18's import workflows through the API: WebP uploads (loose and in a ZIP), AVIF refused by name, archives without
/// images named as such, refused uploads leaving nothing behind, failed imports removable, and IDX class names
/// (classes.txt at upload, PUT /api/datasets/{id}/classes later).
/// </summary>
public sealed class ImportWorkflowTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new();

    [Fact]
    public async Task Webp_files_import_loose_and_inside_a_zip()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var images = Enumerable.Range(0, 4).Select(i => DatasetUploads.Fashion(i).Image).ToList();
        using var zipBuffer = new MemoryStream();
        using (var zip = new ZipArchive(zipBuffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var i in new[] { 2, 3 })
                using (var entry = zip.CreateEntry($"{DatasetUploads.FashionClasses[DatasetUploads.Fashion(i).Label]}/{i}.webp").Open())
                    entry.Write(LosslessWebp(images[i]));
        }

        var result = await user.UploadAsync(DatasetUploads.Form("WebP shoes", 28, 1,
            [("first.webp", LosslessWebp(images[0])), ("second.webp", LosslessWebp(images[1])), ("more.zip", zipBuffer.ToArray())]));

        Assert.Equal("Ready", result.GetProperty("status").GetString());
        Assert.Equal(4, result.GetProperty("imageCount").GetInt32());
        Assert.Empty(result.GetProperty("skipped").EnumerateArray());
        var id = result.GetProperty("id").GetGuid();
        var page = await user.GetJsonAsync($"/api/datasets/{id}/images?take=10");
        Assert.Equal(["first.webp", "second.webp", $"{DatasetUploads.FashionClasses[DatasetUploads.Fashion(2).Label]}/2.webp", $"{DatasetUploads.FashionClasses[DatasetUploads.Fashion(3).Label]}/3.webp"],
            page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("originalName").GetString()));
        // Lossless WebP of a grey image (R = G = B), stored as 28x28 grey: the original pixels come back.
        for (var i = 0; i < 4; i++)
        {
            var stored = ImageDecoder.Decode(await user.Client.GetByteArrayAsync($"/api/datasets/{id}/images/{i}.png"));
            Assert.Equal((28, 28, 1), (stored.Width, stored.Height, stored.Channels));
            Assert.Equal(images[i].Pixels, stored.Pixels);
        }
    }

    [Fact]
    public async Task An_avif_upload_is_refused_saying_avif_is_not_accepted()
    {
        var user = await _factory.RegisterWithTokenAsync();
        byte[] avif = [0, 0, 0, 0x1C, .. "ftypavif"u8, 0, 0, 0, 0, .. "avifmif1miaf"u8, 0, 0, 0, 8, .. "meta"u8];
        var problem = await ApiClient.AssertProblemAsync(
            await user.Client.PostAsync("/api/datasets", DatasetUploads.Form("Phone photos", 28, 1, [("photo.avif", avif)])), HttpStatusCode.BadRequest);
        Assert.Contains("photo.avif: AVIF images are not accepted", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_empty_zip_is_refused_as_an_archive_that_holds_no_images_and_leaves_no_dataset()
    {
        var user = await _factory.RegisterWithTokenAsync();
        using var buffer = new MemoryStream();
        using (new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true)) { }
        Assert.Equal(22, buffer.Length); // only the end-of-central-directory record, which starts PK 05 06

        var problem = await ApiClient.AssertProblemAsync(
            await user.Client.PostAsync("/api/datasets", DatasetUploads.Form("Nothing", 28, 1, [("empty.zip", buffer.ToArray())])), HttpStatusCode.BadRequest);

        Assert.Equal("'empty.zip': the archive holds no images (it is empty).", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("nested", problem.GetProperty("detail").GetString());
        Assert.Empty((await user.GetJsonAsync("/api/datasets")).EnumerateArray());
        await AssertNoDatasetRowsAsync();
    }

    [Fact]
    public async Task A_zip_of_other_files_is_refused_as_an_archive_that_holds_no_images()
    {
        var user = await _factory.RegisterWithTokenAsync();
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var readme = zip.CreateEntry("README.txt").Open()) readme.Write("photos to follow"u8);
            zip.CreateEntry("cats/");
            using (var csv = zip.CreateEntry("cats/labels.csv").Open()) csv.Write("a,b\n"u8);
        }

        var problem = await ApiClient.AssertProblemAsync(
            await user.Client.PostAsync("/api/datasets", DatasetUploads.Form("Not yet", 28, 1, [("cats.zip", buffer.ToArray())])), HttpStatusCode.BadRequest);

        Assert.Equal("'cats.zip': the archive holds no images (none of its 2 files is a PNG, JPEG, GIF, BMP, PNM or WebP image).",
            problem.GetProperty("detail").GetString());
        Assert.Empty((await user.GetJsonAsync("/api/datasets")).EnumerateArray());
    }

    [Fact]
    public async Task A_failed_import_shows_as_failed_and_one_delete_removes_it()
    {
        var owner = await _factory.RegisterWithTokenAsync();
        var stranger = await _factory.RegisterWithTokenAsync();
        var ready = await owner.UploadAsync(DatasetUploads.Form("Good", 28, 1, [("a.png", Imaging.Formats.Png.PngEncoder.Encode(DatasetUploads.Fashion(0).Image))]));
        var failedId = await AddFailedImportAsync(owner, "The disk is full: the import was rolled back and its files removed.");

        var list = (await owner.GetJsonAsync("/api/datasets")).EnumerateArray().ToDictionary(d => d.GetProperty("id").GetGuid());
        Assert.Equal("Ready", list[ready.GetProperty("id").GetGuid()].GetProperty("status").GetString());
        Assert.Equal("Failed", list[failedId].GetProperty("status").GetString());
        Assert.StartsWith("The disk is full", list[failedId].GetProperty("error").GetString());
        Assert.Equal(0, list[failedId].GetProperty("imageCount").GetInt32());

        // A failed import cannot be trained on, and another team's user cannot see or remove it.
        var train = await owner.Client.PostAsJsonAsync("/api/runs", new { datasetId = failedId, epochs = 1, batch = 8 });
        Assert.True((int)train.StatusCode is 400 or 409, $"training on a failed import: {(int)train.StatusCode}");
        await ApiClient.AssertProblemAsync(await stranger.Client.DeleteAsync($"/api/datasets/{failedId}"), HttpStatusCode.NotFound);

        await ApiClient.EnsureStatusAsync(await owner.Client.DeleteAsync($"/api/datasets/{failedId}"), HttpStatusCode.NoContent);
        var after = (await owner.GetJsonAsync("/api/datasets")).EnumerateArray().Select(d => d.GetProperty("id").GetGuid()).ToList();
        Assert.Equal([ready.GetProperty("id").GetGuid()], after);
        await ApiClient.AssertProblemAsync(await owner.Client.GetAsync($"/api/datasets/{failedId}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_idx_upload_with_classes_txt_names_its_classes_in_label_order()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var (idxImages, idxLabels) = DatasetUploads.FashionIdxPair(100);
        var classesTxt = System.Text.Encoding.UTF8.GetBytes("\uFEFF" + string.Join("\r\n", DatasetUploads.FashionClasses) + "\r\n\r\n");

        var result = await user.UploadAsync(DatasetUploads.Form("Fashion named", 28, 1,
            [("t10k-images-idx3-ubyte.gz", idxImages), ("t10k-labels-idx1-ubyte", idxLabels), ("classes.txt", classesTxt)]));

        Assert.Equal(100, result.GetProperty("imageCount").GetInt32());
        Assert.Empty(result.GetProperty("skipped").EnumerateArray());
        var present = Enumerable.Range(0, 100).Select(i => DatasetUploads.Fashion(i).Label).Distinct().Order().ToList();
        Assert.Equal(present.Select(l => DatasetUploads.FashionClasses[l]),
            result.GetProperty("classes").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var id = result.GetProperty("id").GetGuid();
        Assert.Equal(present.Select(l => DatasetUploads.FashionClasses[l]),
            (await user.GetJsonAsync($"/api/datasets/{id}/classes")).GetProperty("names").EnumerateArray().Select(n => n.GetString()));
        var items = (await user.GetJsonAsync($"/api/datasets/{id}/images?take=100")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => DatasetUploads.FashionClasses[DatasetUploads.Fashion(i).Label]),
            items.Select(i => i.GetProperty("className").GetString()));
    }

    [Theory]
    [InlineData("T-shirt\nTrouser\n", "classes.txt names 2 classes (labels 0 to 1), but the IDX labels include")]
    [InlineData("T-shirt\nT-shirt\nx\nx\nx\nx\nx\nx\nx\nx\n", "Class names must differ: 'T-shirt' is given for label 0 and label 1.")]
    [InlineData("T-shirt\n\u202Eevil\n", "The class name on line 2 of classes.txt cannot contain right-to-left")]
    [InlineData("\n\n", "classes.txt is empty")]
    public async Task A_bad_classes_txt_refuses_the_upload_with_the_reason(string text, string message)
    {
        var user = await _factory.RegisterWithTokenAsync();
        var (idxImages, idxLabels) = DatasetUploads.FashionIdxPair(50);
        var problem = await ApiClient.AssertProblemAsync(await user.Client.PostAsync("/api/datasets", DatasetUploads.Form("x", 28, 1,
            [("images.gz", idxImages), ("labels", idxLabels), ("classes.txt", System.Text.Encoding.UTF8.GetBytes(text))])), HttpStatusCode.BadRequest);
        Assert.Contains(message, problem.GetProperty("detail").GetString());
        Assert.Empty((await user.GetJsonAsync("/api/datasets")).EnumerateArray());
    }

    [Fact]
    public async Task Classes_can_be_renamed_and_the_new_names_show_wherever_classes_do()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var (idxImages, idxLabels) = DatasetUploads.FashionIdxPair(100);
        var result = await user.UploadAsync(DatasetUploads.Form("Fashion digits", 28, 1, [("images.gz", idxImages), ("labels", idxLabels)]));
        var id = result.GetProperty("id").GetGuid();
        var digits = result.GetProperty("classes").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();
        var counts = result.GetProperty("classes").EnumerateArray().Select(c => c.GetProperty("count").GetInt32()).ToList();
        Assert.Equal(10, digits.Count);
        var names = digits.Select(d => DatasetUploads.FashionClasses[int.Parse(d)]).ToArray();

        var renamed = await user.Client.PutAsJsonAsync($"/api/datasets/{id}/classes", new { names });
        await ApiClient.EnsureStatusAsync(renamed, HttpStatusCode.OK);
        Assert.Equal(names, (await renamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("names").EnumerateArray().Select(n => n.GetString()));

        var dataset = await user.GetJsonAsync($"/api/datasets/{id}");
        Assert.Equal(names.Zip(counts), dataset.GetProperty("report").GetProperty("classes").EnumerateArray()
            .Select(c => (c.GetProperty("name").GetString()!, c.GetProperty("count").GetInt32())));
        var first = (await user.GetJsonAsync($"/api/datasets/{id}/images?take=1")).GetProperty("items")[0];
        Assert.Equal(DatasetUploads.FashionClasses[DatasetUploads.Fashion(0).Label], first.GetProperty("className").GetString());
        // Labels are unchanged: filtering by label 9 gives the ankle boots.
        var boots = await user.GetJsonAsync($"/api/datasets/{id}/images?take=100&label=9");
        Assert.All(boots.GetProperty("items").EnumerateArray(), i => Assert.Equal("Ankle boot", i.GetProperty("className").GetString()));
        var audit = (await user.GetJsonAsync($"/api/teams/{await user.PersonalTeamIdAsync()}/audit?action=dataset.classes_renamed")).EnumerateArray();
        Assert.Single(audit);

        async Task Refused(object body, string message)
        {
            var problem = await ApiClient.AssertProblemAsync(await user.Client.PutAsJsonAsync($"/api/datasets/{id}/classes", body), HttpStatusCode.BadRequest);
            Assert.Contains(message, problem.GetProperty("detail").GetString());
        }
        await Refused(new { names = names[..9] }, "The dataset has 10 classes; give 10 names in label order, not 9.");
        await Refused(new { names = names.Select((n, i) => i == 3 ? "Trouser" : n).ToArray() }, "Class names must differ: 'Trouser' is given for label 1 and label 3.");
        // Named at the entry it is about, so the dataset page shows it at that class's field.
        var duplicate = await ApiClient.AssertProblemAsync(await user.Client.PutAsJsonAsync($"/api/datasets/{id}/classes",
            new { names = names.Select((n, i) => i == 3 ? "Trouser" : n).ToArray() }), HttpStatusCode.BadRequest);
        Assert.True(duplicate.GetProperty("errors").TryGetProperty("names[3]", out _), duplicate.ToString());
        await Refused(new { names = names.Select((n, i) => i == 0 ? "line\nbreak" : n).ToArray() }, "The name for label 0 cannot contain control characters");
        await Refused(new { names = names.Select((n, i) => i == 5 ? "   " : n).ToArray() }, "The name for label 5 must not be empty.");
        await Refused(new { }, "Give names");
        Assert.Equal(names, (await user.GetJsonAsync($"/api/datasets/{id}/classes")).GetProperty("names").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public async Task A_dataset_without_classes_has_none_to_rename()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var result = await user.UploadAsync(DatasetUploads.Form("Loose", 28, 1, [("a.png", Imaging.Formats.Png.PngEncoder.Encode(DatasetUploads.Fashion(0).Image))]));
        var problem = await ApiClient.AssertProblemAsync(
            await user.Client.PutAsJsonAsync($"/api/datasets/{result.GetProperty("id").GetGuid()}/classes", new { names = new[] { "x" } }), HttpStatusCode.BadRequest);
        Assert.Contains("no classes to rename", problem.GetProperty("detail").GetString());
    }

    private async Task<Guid> AddFailedImportAsync(ApiUser user, string error)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var dataset = new Dataset
        {
            Id = Guid.NewGuid(), TeamId = await user.PersonalTeamIdAsync(), Name = "half", ImageSize = 28, Channels = 1,
            Status = DatasetStatus.Failed, Error = error, CreatedByUserId = (await db.Users.SingleAsync(u => u.Email == user.Email)).Id,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Datasets.Add(dataset);
        await db.SaveChangesAsync();
        return dataset.Id;
    }

    private async Task AssertNoDatasetRowsAsync()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(0, await db.Datasets.CountAsync());
        Assert.Equal(0, await db.DatasetImages.CountAsync());
    }

    /// <summary>A lossless WebP of a grey image (as RGB, R = G = B), written by SkiaSharp's encoder.</summary>
    private static byte[] LosslessWebp(Image grey)
    {
        var rgba = new byte[grey.Width * grey.Height * 4];
        for (var i = 0; i < grey.Pixels.Length; i++)
        {
            rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = grey.Pixels[i];
            rgba[i * 4 + 3] = 255;
        }
        var info = new SKImageInfo(grey.Width, grey.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), info.RowBytes);
            using var data = pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100));
            return data!.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }

    public void Dispose() => _factory.Dispose();
}
