using System.Net;
using System.Net.Http.Json;
using VaeWorkbench.Imaging.Formats.Png;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Registry;

/// <summary>The services record who did what: dataset uploads, renames and deletions, and membership changes.</summary>
public sealed class AuditLogTests : IDisposable
{
    private readonly WorkbenchFactory _factory = new();

    [Fact]
    public async Task Dataset_and_membership_actions_are_recorded_with_who_and_what()
    {
        var owner = await _factory.RegisterWithTokenAsync();
        var teamId = await owner.PersonalTeamIdAsync();
        var uploaded = await owner.UploadAsync(DatasetUploads.Form("audited", 28, 1, [("a.png", PngEncoder.Encode(DatasetUploads.Fashion(0).Image))], teamId));
        var datasetId = uploaded.GetProperty("id").GetGuid();
        await ApiClient.EnsureStatusAsync(await owner.Client.PutAsJsonAsync($"/api/datasets/{datasetId}", new { name = "renamed" }), HttpStatusCode.NoContent);
        await ApiClient.EnsureStatusAsync(await owner.Client.DeleteAsync($"/api/datasets/{datasetId}"), HttpStatusCode.NoContent);
        var member = await TrainedRun.JoinAsAsync(_factory, owner, teamId, "Viewer");
        var memberId = await TrainedRun.MemberIdAsync(owner, teamId, member);
        await ApiClient.EnsureStatusAsync(await owner.Client.PutAsJsonAsync($"/api/teams/{teamId}/members/{memberId}", new { role = "Editor" }), HttpStatusCode.NoContent);
        await ApiClient.EnsureStatusAsync(await owner.Client.DeleteAsync($"/api/teams/{teamId}/members/{memberId}"), HttpStatusCode.NoContent);

        var log = (await owner.GetJsonAsync($"/api/teams/{teamId}/audit")).EnumerateArray().ToList();
        // Newest first.
        Assert.Equal(
            ["member.removed", "member.role_changed", "member.joined", "member.invited", "dataset.deleted", "dataset.renamed", "dataset.uploaded"],
            log.Select(e => e.GetProperty("action").GetString()));
        Assert.All(log.Where(e => e.GetProperty("action").GetString()!.StartsWith("dataset.", StringComparison.Ordinal)), e =>
        {
            Assert.Equal(datasetId.ToString(), e.GetProperty("objectId").GetString());
            Assert.Equal(owner.Email, e.GetProperty("userEmail").GetString());
        });
        var joined = log.Single(e => e.GetProperty("action").GetString() == "member.joined");
        Assert.Equal(member.Email, joined.GetProperty("userEmail").GetString());
        var changed = log.Single(e => e.GetProperty("action").GetString() == "member.role_changed");
        Assert.Equal(memberId, changed.GetProperty("objectId").GetString());
        Assert.Equal("viewer", changed.GetProperty("details").GetProperty("from").GetString());
        Assert.Equal("editor", changed.GetProperty("details").GetProperty("to").GetString());
        Assert.Equal(1, log.Single(e => e.GetProperty("action").GetString() == "dataset.uploaded").GetProperty("details").GetProperty("images").GetInt32());

        var page = (await owner.GetJsonAsync($"/api/teams/{teamId}/audit?take=2")).EnumerateArray().ToList();
        Assert.Equal(2, page.Count);
        var older = (await owner.GetJsonAsync($"/api/teams/{teamId}/audit?before={page[1].GetProperty("id").GetInt64()}&objectType=Dataset")).EnumerateArray();
        Assert.Equal(["dataset.deleted", "dataset.renamed", "dataset.uploaded"], older.Select(e => e.GetProperty("action").GetString()));
        await ApiClient.AssertProblemAsync(await owner.Client.GetAsync($"/api/teams/{teamId}/audit?take=0"), HttpStatusCode.BadRequest);
    }

    public void Dispose() => _factory.Dispose();
}
