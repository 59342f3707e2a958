using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VaeWorkbench.Imaging;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

public sealed class DatasetsApiTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new();

    [Fact]
    public async Task A_zip_of_fashion_mnist_pngs_imports_with_classes_skips_and_duplicates()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var firstImage = PngEncoder.Encode(DatasetUploads.Fashion(0).Image);
        var (zip, images) = DatasetUploads.FashionZip(perClass: 60, classes: [0, 1, 5, 7, 9], extra: archive =>
        {
            using (var broken = archive.CreateEntry("Bag/broken.png").Open()) broken.Write(firstImage.AsSpan(0, 60));
            using (var copy = archive.CreateEntry("Bag/copy-of-first.png").Open()) copy.Write(firstImage);
            using (var text = archive.CreateEntry("Bag/notes.txt").Open()) text.Write("not an image"u8);
        });

        var result = await user.UploadAsync(DatasetUploads.Form("Fashion five", 28, 1, [("fashion.zip", zip)]));

        Assert.Equal(300, result.GetProperty("imageCount").GetInt32());
        Assert.Equal("Ready", result.GetProperty("status").GetString());
        var classes = result.GetProperty("classes").EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("count").GetInt32())).ToList();
        Assert.Equal([("Ankle boot", 60), ("Sandal", 60), ("Sneaker", 60), ("T-shirt", 60), ("Trouser", 60)], classes);
        var skipped = result.GetProperty("skipped").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("reason").GetString()!);
        Assert.Equal(["Bag/broken.png", "Bag/notes.txt"], skipped.Keys.Order());
        Assert.All(skipped.Values, reason => Assert.False(string.IsNullOrWhiteSpace(reason)));
        var duplicate = Assert.Single(result.GetProperty("duplicates").EnumerateArray());
        Assert.Equal("Bag/copy-of-first.png", duplicate.GetProperty("name").GetString());
        Assert.Equal(images.First(i => i.Name.EndsWith("00000.png")).Name, duplicate.GetProperty("duplicateOf").GetString());

        var id = result.GetProperty("id").GetGuid();
        var page = await user.GetJsonAsync($"/api/datasets/{id}/images?skip=0&take=500");
        Assert.Equal(300, page.GetProperty("total").GetInt32());
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(images.Select(i => i.Name), items.Select(i => i.GetProperty("originalName").GetString()));
        Assert.Equal(images.Select(i => DatasetUploads.FashionClasses[i.Label]), items.Select(i => i.GetProperty("className").GetString()));

        var trouserLabel = classes.FindIndex(c => c.Item1 == "Trouser");
        var trousers = await user.GetJsonAsync($"/api/datasets/{id}/images?take=10&label={trouserLabel}");
        Assert.Equal(60, trousers.GetProperty("total").GetInt32());
        Assert.All(trousers.GetProperty("items").EnumerateArray(), i => Assert.Equal("Trouser", i.GetProperty("className").GetString()));

        // The stored PNG is the normalised image (28x28 grey stays pixel-identical) and is served safely.
        var png = await user.Client.GetAsync($"/api/datasets/{id}/images/3.png");
        await ApiClient.EnsureStatusAsync(png, HttpStatusCode.OK);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", png.Headers.GetValues("X-Content-Type-Options").Single());
        var stem = Path.GetFileNameWithoutExtension(images[3].Name);
        Assert.Equal($"inline; filename=\"{stem}.png\"; filename*=UTF-8''{stem}.png", png.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal(images[3].Image.Pixels, ImageDecoder.Decode(await png.Content.ReadAsByteArrayAsync()).Pixels);
        await ApiClient.AssertProblemAsync(await user.Client.GetAsync($"/api/datasets/{id}/images/300.png"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_packed_tensor_file_matches_the_stored_images_in_rgb_at_32()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var (zip, images) = DatasetUploads.FashionZip(perClass: 20, classes: [2, 8]);
        var result = await user.UploadAsync(DatasetUploads.Form("Bags and pullovers", 32, 3, [("set.zip", zip)]));
        var id = result.GetProperty("id").GetGuid();

        var tensor = await TensorOfAsync(id);
        Assert.Equal((40, 3, 32, 32), (tensor.Count, tensor.Channels, tensor.Height, tensor.Width));
        for (var i = 0; i < images.Count; i++)
        {
            var png = ImageDecoder.Decode(await user.Client.GetByteArrayAsync($"/api/datasets/{id}/images/{i}.png"));
            Assert.Equal((32, 32, 3), (png.Width, png.Height, png.Channels));
            var row = tensor.Image(i);
            for (var p = 0; p < 32 * 32; p++)
                for (var c = 0; c < 3; c++)
                    Assert.Equal(png.Pixels[p * 3 + c] / 255f, row[c * 1024 + p], 6);
            // Labels are indices into the sorted class names: "Bag" (8) is 0, "Pullover" (2) is 1.
            Assert.Equal(images[i].Label == 8 ? 0 : 1, tensor.Labels![i]);
        }
    }

    [Fact]
    public async Task An_idx_pair_is_paired_by_record_count_and_labelled_0_to_9()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var (idxImages, idxLabels) = DatasetUploads.FashionIdxPair(200);
        // An unrelated label file with another count must not be paired, and is reported.
        var (_, otherLabels) = DatasetUploads.FashionIdxPair(7);
        var result = await user.UploadAsync(DatasetUploads.Form("Fashion IDX", 28, 1,
            [("labels-a", otherLabels), ("my-images.gz", idxImages), ("my-labels", idxLabels)]));

        Assert.Equal(200, result.GetProperty("imageCount").GetInt32());
        var names = result.GetProperty("classes").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString()), names);
        var expectedCounts = Enumerable.Range(0, 200).Select(i => DatasetUploads.Fashion(i).Label).GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count());
        Assert.Equal(expectedCounts, result.GetProperty("classes").EnumerateArray().Select(c => c.GetProperty("count").GetInt32()));
        var skip = Assert.Single(result.GetProperty("skipped").EnumerateArray());
        Assert.Equal("labels-a", skip.GetProperty("name").GetString());
        Assert.Contains("7 labels", skip.GetProperty("reason").GetString());

        var id = result.GetProperty("id").GetGuid();
        var first = (await user.GetJsonAsync($"/api/datasets/{id}/images?take=1")).GetProperty("items")[0];
        Assert.Equal("my-images.gz#0", first.GetProperty("originalName").GetString());
        Assert.Equal(DatasetUploads.Fashion(0).Label.ToString(), first.GetProperty("className").GetString());
        var tensor = await TensorOfAsync(id);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => DatasetUploads.Fashion(i).Label), tensor.Labels!);
    }

    [Fact]
    public async Task Loose_files_import_and_a_corrupt_one_is_skipped_with_a_reason()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var files = Enumerable.Range(0, 5).Select(i => ($"shoe-{i}.png", PngEncoder.Encode(DatasetUploads.Fashion(i).Image))).ToList();
        files.Add(("corrupt.png", files[0].Item2.AsSpan(0, 100).ToArray()));
        files.Add(("again.png", files[1].Item2));

        var result = await user.UploadAsync(DatasetUploads.Form("Loose", 64, 1, files));

        Assert.Equal(5, result.GetProperty("imageCount").GetInt32());
        Assert.Equal(5, result.GetProperty("unlabeled").GetInt32());
        Assert.Empty(result.GetProperty("classes").EnumerateArray());
        var skip = Assert.Single(result.GetProperty("skipped").EnumerateArray());
        Assert.Equal("corrupt.png", skip.GetProperty("name").GetString());
        Assert.Contains("PNG", skip.GetProperty("reason").GetString());
        var duplicate = Assert.Single(result.GetProperty("duplicates").EnumerateArray());
        Assert.Equal(("again.png", "shoe-1.png"), (duplicate.GetProperty("name").GetString(), duplicate.GetProperty("duplicateOf").GetString()));
        var png = ImageDecoder.Decode(await user.Client.GetByteArrayAsync($"/api/datasets/{result.GetProperty("id").GetGuid()}/images/0.png"));
        Assert.Equal((64, 64, 1), (png.Width, png.Height, png.Channels));
    }

    [Fact]
    public async Task An_upload_with_no_usable_image_is_400_and_leaves_no_dataset_behind()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var response = await user.Client.PostAsync("/api/datasets", DatasetUploads.Form("Junk", 28, 1, [("a.png", "garbage"u8.ToArray())]));
        var problem = await ApiClient.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("a.png", problem.GetProperty("detail").GetString());

        // The refusal is the answer: nothing lingers in the list as a dataset, to retry or to delete.
        Assert.Empty((await user.GetJsonAsync("/api/datasets")).EnumerateArray());
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VaeWorkbench.Web.Data.AppDbContext>();
        Assert.Equal(0, db.Datasets.Count());
        Assert.Equal(0, db.DatasetImages.Count());
    }

    [Theory]
    [InlineData(27, 1, "28, 32 or 64")]
    [InlineData(28, 2, "1 (grey) or 3 (RGB)")]
    public async Task Invalid_settings_are_400_with_a_clear_message(int size, int channels, string message)
    {
        var user = await _factory.RegisterWithTokenAsync();
        var response = await user.Client.PostAsync("/api/datasets", DatasetUploads.Form("x", size, channels, [("a.png", PngEncoder.Encode(DatasetUploads.Fashion(0).Image))]));
        Assert.Contains(message, (await ApiClient.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        // Only multipart is accepted; routing refuses other bodies before the endpoint runs.
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await user.Client.PostAsJsonAsync("/api/datasets", new { name = "json" })).StatusCode);
    }

    [Fact]
    public async Task Another_teams_dataset_is_404_on_every_endpoint()
    {
        var alice = await _factory.RegisterWithTokenAsync();
        var mallory = await _factory.RegisterWithTokenAsync();
        var id = await SmallDatasetAsync(alice);
        var aliceTeam = await alice.PersonalTeamIdAsync();

        await ApiClient.AssertProblemAsync(await mallory.Client.GetAsync($"/api/datasets/{id}"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await mallory.Client.GetAsync($"/api/datasets/{id}/images"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await mallory.Client.GetAsync($"/api/datasets/{id}/images/0.png"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await mallory.Client.PutAsJsonAsync($"/api/datasets/{id}", new { name = "pwned" }), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await mallory.Client.PatchAsJsonAsync($"/api/datasets/{id}", new { name = "pwned" }), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await mallory.Client.DeleteAsync($"/api/datasets/{id}"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await mallory.Client.GetAsync($"/api/datasets?teamId={aliceTeam}"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await mallory.Client.PostAsync("/api/datasets",
            DatasetUploads.Form("intrusion", 28, 1, [("a.png", PngEncoder.Encode(DatasetUploads.Fashion(0).Image))], aliceTeam)), HttpStatusCode.NotFound);
        Assert.Empty((await mallory.GetJsonAsync("/api/datasets")).EnumerateArray());

        var dataset = await alice.GetJsonAsync($"/api/datasets/{id}");
        Assert.Equal("Small", dataset.GetProperty("name").GetString());
        Assert.Single((await alice.GetJsonAsync("/api/datasets")).EnumerateArray());
    }

    [Fact]
    public async Task A_viewer_reads_datasets_but_upload_rename_and_delete_are_403()
    {
        var owner = await _factory.RegisterWithTokenAsync();
        var teamId = await owner.PersonalTeamIdAsync();
        var id = await SmallDatasetAsync(owner);
        var invite = await owner.Client.PostAsJsonAsync($"/api/teams/{teamId}/invites", new { role = "Viewer" });
        var code = (await invite.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
        var viewer = await _factory.RegisterWithTokenAsync();
        await ApiClient.EnsureStatusAsync(await viewer.Client.PostAsJsonAsync("/api/teams/join", new { code }), HttpStatusCode.OK);

        Assert.Single((await viewer.GetJsonAsync($"/api/datasets?teamId={teamId}")).EnumerateArray());
        Assert.Equal(3, (await viewer.GetJsonAsync($"/api/datasets/{id}/images")).GetProperty("total").GetInt32());
        await ApiClient.EnsureStatusAsync(await viewer.Client.GetAsync($"/api/datasets/{id}/images/0.png"), HttpStatusCode.OK);

        await ApiClient.AssertProblemAsync(await viewer.Client.PostAsync("/api/datasets",
            DatasetUploads.Form("mine", 28, 1, [("a.png", PngEncoder.Encode(DatasetUploads.Fashion(9).Image))], teamId)), HttpStatusCode.Forbidden);
        await ApiClient.AssertProblemAsync(await viewer.Client.PutAsJsonAsync($"/api/datasets/{id}", new { name = "renamed" }), HttpStatusCode.Forbidden);
        await ApiClient.AssertProblemAsync(await viewer.Client.DeleteAsync($"/api/datasets/{id}"), HttpStatusCode.Forbidden);
        Assert.Equal("Small", (await owner.GetJsonAsync($"/api/datasets/{id}")).GetProperty("name").GetString());
        Assert.Single((await owner.GetJsonAsync("/api/datasets")).EnumerateArray());
    }

    [Fact]
    public async Task Rename_then_soft_delete_hides_the_dataset_and_purge_removes_its_rows_and_files()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var id = await SmallDatasetAsync(user);
        await ApiClient.EnsureStatusAsync(await user.Client.PatchAsJsonAsync($"/api/datasets/{id}", new { name = "  Renamed  " }), HttpStatusCode.NoContent);
        Assert.Equal("Renamed", (await user.GetJsonAsync($"/api/datasets/{id}")).GetProperty("name").GetString());
        await ApiClient.AssertProblemAsync(await user.Client.PutAsJsonAsync($"/api/datasets/{id}", new { name = " " }), HttpStatusCode.BadRequest);

        await ApiClient.EnsureStatusAsync(await user.Client.DeleteAsync($"/api/datasets/{id}"), HttpStatusCode.NoContent);
        Assert.Empty((await user.GetJsonAsync("/api/datasets")).EnumerateArray());
        await ApiClient.AssertProblemAsync(await user.Client.GetAsync($"/api/datasets/{id}"), HttpStatusCode.NotFound);

        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VaeWorkbench.Web.Data.AppDbContext>();
        var blobs = scope.ServiceProvider.GetRequiredService<BlobStore>();
        var row = db.Datasets.Single(d => d.Id == id);
        Assert.NotNull(row.DeletedAt);
        var hashes = db.DatasetImages.Where(i => i.DatasetId == id).Select(i => i.ContentHash).ToList().Append(row.TensorHash!).ToList();
        Assert.All(hashes, h => Assert.True(blobs.Exists(h)));
        var teamId = await user.PersonalTeamIdAsync();
        var userId = db.Users.Single(u => u.Email == user.Email).Id;
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<DatasetService>().UsableForNewRunAsync(userId, teamId));

        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<DatasetCleanup>().PurgeDeletedAsync());
        Assert.False(db.Datasets.Any(d => d.Id == id));
        Assert.False(db.DatasetImages.Any(i => i.DatasetId == id));
        Assert.All(hashes, h => Assert.False(blobs.Exists(h)));
    }

    [Fact]
    public async Task Purge_keeps_a_deleted_dataset_a_run_uses_and_files_another_dataset_shares()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var used = await SmallDatasetAsync(user);
        var shared = await SmallDatasetAsync(user);
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VaeWorkbench.Web.Data.AppDbContext>();
        var blobs = scope.ServiceProvider.GetRequiredService<BlobStore>();
        var userId = db.Users.Single(u => u.Email == user.Email).Id;
        var teamId = await user.PersonalTeamIdAsync();
        Assert.Equal(2, (await scope.ServiceProvider.GetRequiredService<DatasetService>().UsableForNewRunAsync(userId, teamId)).Count);
        db.TrainingRuns.Add(new TrainingRun { Id = Guid.NewGuid(), TeamId = teamId, DatasetId = used, SettingsJson = "{}", CreatedByUserId = userId });
        await db.SaveChangesAsync();

        await ApiClient.EnsureStatusAsync(await user.Client.DeleteAsync($"/api/datasets/{used}"), HttpStatusCode.NoContent);
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<DatasetCleanup>().PurgeDeletedAsync());
        Assert.True(db.Datasets.Any(d => d.Id == used));

        // Both datasets hold the same images, so the PNG blobs stay for the live one.
        await ApiClient.EnsureStatusAsync(await user.Client.DeleteAsync($"/api/datasets/{shared}"), HttpStatusCode.NoContent);
        await db.TrainingRuns.Where(r => r.DatasetId == used).ExecuteDeleteAsync();
        await ApiClient.EnsureStatusAsync(await user.Client.DeleteAsync($"/api/datasets/{shared}"), HttpStatusCode.NotFound);
        Assert.Equal(2, await scope.ServiceProvider.GetRequiredService<DatasetCleanup>().PurgeDeletedAsync());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_factory.DataDirectory, "blobs"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task An_import_left_running_by_a_stopped_server_defers_purges_until_start_up_marks_it_failed()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var deleted = await SmallDatasetAsync(user);
        await ApiClient.EnsureStatusAsync(await user.Client.DeleteAsync($"/api/datasets/{deleted}"), HttpStatusCode.NoContent);
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VaeWorkbench.Web.Data.AppDbContext>();
        var cleanup = scope.ServiceProvider.GetRequiredService<DatasetCleanup>();
        var interrupted = new Dataset
        {
            Id = Guid.NewGuid(), TeamId = await user.PersonalTeamIdAsync(), Name = "half", ImageSize = 28, Channels = 1,
            Status = DatasetStatus.Importing, CreatedByUserId = db.Users.Single(u => u.Email == user.Email).Id, CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Datasets.Add(interrupted);
        await db.SaveChangesAsync();

        Assert.Equal(0, await cleanup.PurgeDeletedAsync());
        Assert.True(db.Datasets.Any(d => d.Id == deleted));

        Assert.Equal(1, await cleanup.FailInterruptedImportsAsync());
        var failed = await user.GetJsonAsync($"/api/datasets/{interrupted.Id}");
        Assert.Equal("Failed", failed.GetProperty("status").GetString());
        Assert.Contains("server stopped", failed.GetProperty("error").GetString());
        Assert.Equal(1, await cleanup.PurgeDeletedAsync());
    }

    [Fact]
    public async Task The_openapi_document_lists_the_dataset_endpoints()
    {
        var json = await _factory.CreateClient().GetStringAsync("/openapi/v1.json");
        var paths = JsonDocument.Parse(json).RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/datasets", "/api/datasets/{id}", "/api/datasets/{id}/images", "/api/datasets/{id}/images/{index}.png" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
        Assert.True(paths.GetProperty("/api/datasets").GetProperty("post").GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/form-data", out _));
    }

    private async Task<Guid> SmallDatasetAsync(ApiUser user)
    {
        var files = Enumerable.Range(0, 3).Select(i => ($"{i}.png", PngEncoder.Encode(DatasetUploads.Fashion(i).Image)));
        return (await user.UploadAsync(DatasetUploads.Form("Small", 28, 1, files))).GetProperty("id").GetGuid();
    }

    private async Task<VaeWorkbench.Engine.Data.ImageDataset> TensorOfAsync(Guid datasetId)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VaeWorkbench.Web.Data.AppDbContext>();
        var hash = db.Datasets.Single(d => d.Id == datasetId).TensorHash!;
        await using var stream = scope.ServiceProvider.GetRequiredService<BlobStore>().OpenRead(hash);
        return DatasetTensorFile.Read(stream);
    }

    public void Dispose() => _factory.Dispose();
}
