using System.Net;
using Microsoft.AspNetCore.Identity;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests;

/// <summary>Each user may run at most Datasets:MaxConcurrentUploadsPerUser (2) uploads at once; a third gets 429.</summary>
public sealed class UploadConcurrencyTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new();

    [Fact]
    public async Task A_third_upload_at_once_gets_429_with_retry_after_and_leaves_nothing_on_disk_while_others_upload_freely()
    {
        var user = await _factory.RegisterWithTokenAsync();
        var other = await _factory.RegisterWithTokenAsync();
        var slots = _factory.Services.GetRequiredService<UploadSlots>();
        string userId;
        using (var scope = _factory.Services.CreateScope())
            userId = (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(user.Email))!.Id;

        // Two uploads under way (the in-memory test server sends a request only once its body is complete, so they are
        // held through the same slots a running upload takes).
        var running = new[] { slots.Acquire(userId), slots.Acquire(userId) };

        var third = await user.Client.PostAsync("/api/datasets", DatasetUploads.Form("third", 28, 1, [("a.png", HostileFiles.Png(1))]));
        var problem = await ApiClient.AssertProblemAsync(third, HttpStatusCode.TooManyRequests);
        Assert.Contains("at most 2 may run at once", problem.GetProperty("detail").GetString());
        Assert.Equal(TimeSpan.FromSeconds(10), third.Headers.RetryAfter?.Delta);
        Assert.Empty(HostileFiles.WorkFiles(_factory));
        var import = await user.Client.PostAsync("/api/registry/import", new MultipartFormDataContent { { new StringContent("m"), "name" } });
        await ApiClient.AssertProblemAsync(import, HttpStatusCode.TooManyRequests);
        // Another user is not held back by this one's uploads.
        var theirs = await other.UploadAsync(DatasetUploads.Form("theirs", 28, 1, [("b.png", HostileFiles.Png(2))]));
        Assert.Equal(1, theirs.GetProperty("imageCount").GetInt32());

        foreach (var slot in running) slot.Dispose();
        var again = await user.UploadAsync(DatasetUploads.Form("again", 28, 1, [("c.png", HostileFiles.Png(3))]));
        Assert.Equal(1, again.GetProperty("imageCount").GetInt32());
        // Uploads give their slot back whether they succeed or fail.
        await ApiClient.AssertProblemAsync(await user.Client.PostAsync("/api/datasets", DatasetUploads.Form("", 28, 1, [("d.png", HostileFiles.Png(4))])), HttpStatusCode.BadRequest);
        Assert.Equal(0, slots.InUse(userId));
    }

    public void Dispose() => _factory.Dispose();
}
