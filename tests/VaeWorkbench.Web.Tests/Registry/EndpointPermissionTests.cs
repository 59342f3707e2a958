using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Registry;

/// <summary>
/// Every REST endpoint, by role. The endpoint list comes from the app's <see cref="EndpointDataSource"/>, so a new
/// endpoint under /api without a row in <see cref="Rules"/> fails <see cref="Every_api_endpoint_has_a_permission_rule"/>.
/// For a team-scoped rule, a member below the minimum role gets 403, a non-member 404 (the team's ids are another team's
/// ids to them: IDOR), and anonymous callers 401; members at or above it are not refused.
/// </summary>
public sealed partial class EndpointPermissionTests(PermissionFixture fixture) : IClassFixture<PermissionFixture>
{
    public enum Need { Anonymous, AnyUser, Viewer, Editor, Owner, ServerAdmin }

    public enum Caller { Anonymous, Stranger, Viewer, Editor, Owner }

    private sealed record Rule(Need Need, Func<PermissionFixture, ApiUser, Task<HttpRequestMessage>> Build);

    private static readonly Dictionary<string, Rule> Rules = new()
    {
        ["POST /api/auth/register"] = new(Need.Anonymous, (_, _) => Json(HttpMethod.Post, "/api/auth/register", new { email = "", password = "" })),
        ["POST /api/auth/token"] = new(Need.Anonymous, (f, _) => Json(HttpMethod.Post, "/api/auth/token", new { email = f.Owner.Email, password = f.Owner.Password, name = "perm" })),

        ["GET /api/me/"] = new(Need.AnyUser, (_, _) => Get("/api/me")),
        ["PUT /api/me/current-team"] = new(Need.Viewer, (f, _) => Json(HttpMethod.Put, "/api/me/current-team", new { teamId = f.TeamId })),
        ["GET /api/tokens/"] = new(Need.AnyUser, (_, _) => Get("/api/tokens")),
        ["POST /api/tokens/"] = new(Need.AnyUser, (_, _) => Json(HttpMethod.Post, "/api/tokens", new { name = "perm" })),
        ["DELETE /api/tokens/{tokenId:guid}"] = new(Need.AnyUser, async (_, caller) =>
        {
            // The caller's own token (the Owner's for an anonymous caller, who must get 401 before any lookup).
            var created = await caller.Client.PostAsJsonAsync("/api/tokens", new { name = "to-revoke" });
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("summary").GetProperty("id").GetGuid();
            return new HttpRequestMessage(HttpMethod.Delete, $"/api/tokens/{id}");
        }),

        ["GET /api/teams/"] = new(Need.AnyUser, (_, _) => Get("/api/teams")),
        ["POST /api/teams/"] = new(Need.AnyUser, (_, _) => Json(HttpMethod.Post, "/api/teams", new { name = "perm team" })),
        ["POST /api/teams/join"] = new(Need.AnyUser, (_, _) => Json(HttpMethod.Post, "/api/teams/join", new { code = "inv_not-a-code" })),
        ["GET /api/teams/{teamId:guid}"] = new(Need.Viewer, (f, _) => Get($"/api/teams/{f.TeamId}")),
        ["PUT /api/teams/{teamId:guid}"] = new(Need.Owner, (f, _) => Json(HttpMethod.Put, $"/api/teams/{f.TeamId}", new { name = "perm team" })),
        ["GET /api/teams/{teamId:guid}/members"] = new(Need.Viewer, (f, _) => Get($"/api/teams/{f.TeamId}/members")),
        ["PUT /api/teams/{teamId:guid}/members/{userId}"] = new(Need.Owner, (f, _) => Json(HttpMethod.Put, $"/api/teams/{f.TeamId}/members/{f.SpareMemberId}", new { role = "Viewer" })),
        ["DELETE /api/teams/{teamId:guid}/members/{userId}"] = new(Need.Owner, async (f, _) =>
            new HttpRequestMessage(HttpMethod.Delete, $"/api/teams/{f.TeamId}/members/{await f.NewMemberAsync()}")),
        ["POST /api/teams/{teamId:guid}/invites"] = new(Need.Owner, (f, _) => Json(HttpMethod.Post, $"/api/teams/{f.TeamId}/invites", new { role = "Viewer" })),
        ["GET /api/teams/{teamId:guid}/invites"] = new(Need.Owner, (f, _) => Get($"/api/teams/{f.TeamId}/invites")),
        ["DELETE /api/teams/{teamId:guid}/invites/{inviteId:guid}"] = new(Need.Owner, async (f, _) =>
            new HttpRequestMessage(HttpMethod.Delete, $"/api/teams/{f.TeamId}/invites/{await f.NewInviteIdAsync()}")),
        ["GET /api/teams/{teamId:guid}/audit"] = new(Need.Viewer, (f, _) => Get($"/api/teams/{f.TeamId}/audit?format=csv")),

        ["POST /api/datasets/"] = new(Need.Editor, (f, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, "/api/datasets")
        {
            Content = DatasetUploads.Form("perm", 28, 1, [("a.png", Imaging.Formats.Png.PngEncoder.Encode(DatasetUploads.Fashion(0).Image))], f.TeamId),
        })),
        ["GET /api/datasets/"] = new(Need.Viewer, (f, _) => Get($"/api/datasets?teamId={f.TeamId}")),
        ["GET /api/datasets/{id:guid}"] = new(Need.Viewer, (f, _) => Get($"/api/datasets/{f.DatasetId}")),
        ["PUT /api/datasets/{id:guid}"] = new(Need.Editor, (f, _) => Json(HttpMethod.Put, $"/api/datasets/{f.DatasetId}", new { name = "renamed" })),
        ["PATCH /api/datasets/{id:guid}"] = new(Need.Editor, (f, _) => Json(HttpMethod.Patch, $"/api/datasets/{f.DatasetId}", new { name = "renamed" })),
        ["DELETE /api/datasets/{id:guid}"] = new(Need.Editor, async (f, _) =>
            new HttpRequestMessage(HttpMethod.Delete, $"/api/datasets/{await f.Factory.CreateFashionMnistAsync(f.TeamId, 10, "to-delete")}")),
        ["GET /api/datasets/{id:guid}/classes"] = new(Need.Viewer, (f, _) => Get($"/api/datasets/{f.DatasetId}/classes")),
        // One name: the allowed roles get 400 (the count must match) or 200, the others 401/403/404 before any check of the body.
        ["PUT /api/datasets/{id:guid}/classes"] = new(Need.Editor, (f, _) => Json(HttpMethod.Put, $"/api/datasets/{f.UploadedDatasetId}/classes", new { names = new[] { "perm" } })),
        ["GET /api/datasets/{id:guid}/images"] = new(Need.Viewer, (f, _) => Get($"/api/datasets/{f.DatasetId}/images?take=5")),
        ["GET /api/datasets/{id:guid}/images/{index:int}.png"] = new(Need.Viewer, (f, _) => Get($"/api/datasets/{f.UploadedDatasetId}/images/0.png")),

        ["POST /api/runs/"] = new(Need.Editor, (f, _) => Json(HttpMethod.Post, "/api/runs", new { datasetId = f.DatasetId, epochs = 1, batch = 64 })),
        ["GET /api/runs/"] = new(Need.Viewer, (f, _) => Get($"/api/runs?teamId={f.TeamId}")),
        ["GET /api/runs/{runId:guid}"] = new(Need.Viewer, (f, _) => Get($"/api/runs/{f.RunId}")),
        // Allowed callers get 400 (the run has finished), refused ones 403/404.
        ["PATCH /api/runs/{runId:guid}"] = new(Need.Editor, (f, _) => Json(HttpMethod.Patch, $"/api/runs/{f.RunId}", new { notes = "perm" })),
        ["POST /api/runs/{runId:guid}/cancel"] = new(Need.Editor, (f, _) => Task.FromResult(new HttpRequestMessage(HttpMethod.Post, $"/api/runs/{f.RunId}/cancel"))),

        ["GET /api/models/"] = new(Need.Viewer, (f, _) => Get($"/api/models?teamId={f.TeamId}")),
        ["GET /api/models/{modelId:guid}"] = new(Need.Viewer, (f, _) => Get($"/api/models/{f.ModelId}")),
        ["GET /api/models/{modelId:guid}/file"] = new(Need.Viewer, (f, _) => Get($"/api/models/{f.ModelId}/file")),

        ["POST /api/registry/"] = new(Need.Editor, (f, _) => Json(HttpMethod.Post, "/api/registry", new { runId = f.RunId, name = PermissionFixture.ModelName })),
        ["GET /api/registry/"] = new(Need.Viewer, (f, _) => Get($"/api/registry?teamId={f.TeamId}")),
        ["POST /api/registry/import"] = new(Need.Editor, (f, _) =>
        {
            var file = new ByteArrayContent(f.ModelFile);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            var form = new MultipartFormDataContent { { new StringContent(PermissionFixture.ModelName), "name" }, { new StringContent(f.TeamId.ToString()), "teamId" }, { file, "file", "m.vae" } };
            return Task.FromResult(new HttpRequestMessage(HttpMethod.Post, "/api/registry/import") { Content = form });
        }),
        ["GET /api/registry/{name}"] = new(Need.Viewer, (f, _) => Get($"/api/registry/{PermissionFixture.ModelName}?teamId={f.TeamId}")),
        ["PUT /api/registry/{name}/aliases/{alias}"] = new(Need.Editor, (f, _) => Json(HttpMethod.Put, $"/api/registry/{PermissionFixture.ModelName}/aliases/production?teamId={f.TeamId}", new { version = 1 })),
        ["GET /api/registry/{name}/card"] = new(Need.Viewer, (f, _) => Get($"/api/registry/{PermissionFixture.ModelName}/card?teamId={f.TeamId}")),
        ["GET /api/registry/{name}/card.html"] = new(Need.Viewer, (f, _) => Get($"/api/registry/{PermissionFixture.ModelName}/card.html?teamId={f.TeamId}")),
        ["PATCH /api/registry/{name}"] = new(Need.Editor, (f, _) => Json(HttpMethod.Patch, $"/api/registry/{PermissionFixture.ModelName}?teamId={f.TeamId}", new { notes = "perm" })),
        ["PUT /api/registry/{name}/card"] = new(Need.Editor, (f, _) => Json(HttpMethod.Put, $"/api/registry/{PermissionFixture.ModelName}/card?teamId={f.TeamId}", new { markdown = "# perm" })),
        ["GET /api/registry/{name}/versions/{version:int}/download"] = new(Need.Viewer, (f, _) => Get($"/api/registry/{PermissionFixture.ModelName}/versions/1/download?teamId={f.TeamId}")),
        ["GET /api/registry/{name}/versions/{version:int}/samples.png"] = new(Need.Viewer, (f, _) => Get($"/api/registry/{PermissionFixture.ModelName}/versions/1/samples.png?teamId={f.TeamId}")),
        ["GET /api/registry/{name}/versions/{version:int}/reconstructions.png"] = new(Need.Viewer, (f, _) => Get($"/api/registry/{PermissionFixture.ModelName}/versions/1/reconstructions.png?teamId={f.TeamId}")),
        // The target is the caller's own personal team, where everyone is Owner: what is tested is the source team's rule.
        ["POST /api/registry/{name}/versions/{version:int}/copy"] = new(Need.Editor, async (f, caller) =>
            await Json(HttpMethod.Post, $"/api/registry/{PermissionFixture.ModelName}/versions/1/copy?teamId={f.TeamId}", new { targetTeamId = await caller.PersonalTeamIdAsync() })),
        ["DELETE /api/registry/{name}/versions/{version:int}"] = new(Need.Owner, async (f, _) =>
            new HttpRequestMessage(HttpMethod.Delete, $"/api/registry/{PermissionFixture.ModelName}/versions/{await f.NewVersionAsync()}?teamId={f.TeamId}")),

        ["POST /api/models/{modelId:guid}/scores"] = new(Need.Editor, (f, _) => Json(HttpMethod.Post, $"/api/models/{f.ModelId}/scores", new { datasetId = f.UploadedDatasetId, method = "recon" })),
        ["GET /api/models/{modelId:guid}/scores"] = new(Need.Viewer, (f, _) => Get($"/api/models/{f.ModelId}/scores")),
        ["GET /api/scores/{jobId:guid}"] = new(Need.Viewer, (f, _) => Get($"/api/scores/{f.ScoreJobId}")),
        ["PUT /api/scores/{jobId:guid}/settings"] = new(Need.Editor, (f, _) => Json(HttpMethod.Put, $"/api/scores/{f.ScoreJobId}/settings", new { thresholdMode = "percentile", thresholdValue = 99 })),
        ["GET /api/scores/{jobId:guid}/reviews"] = new(Need.Viewer, (f, _) => Get($"/api/scores/{f.ScoreJobId}/reviews")),
        ["GET /api/scores/{jobId:guid}/reviews.csv"] = new(Need.Viewer, (f, _) => Get($"/api/scores/{f.ScoreJobId}/reviews.csv")),
        // Allowed callers get 400 (no image is confirmed as an anomaly), refused ones 403/404.
        ["POST /api/scores/{jobId:guid}/cleaned-dataset"] = new(Need.Editor, (f, _) => Json(HttpMethod.Post, $"/api/scores/{f.ScoreJobId}/cleaned-dataset", new { name = "cleaned" })),
        ["POST /api/models/{modelId:guid}/latent-map/region"] = new(Need.Viewer, (f, _) => Json(HttpMethod.Post, $"/api/models/{f.ModelId}/latent-map/region", new { projection = "pca", x0 = 0, y0 = 0, x1 = 560, y1 = 560 })),
        ["POST /api/datasets/{datasetId:guid}/tags/"] = new(Need.Editor, (f, _) => Json(HttpMethod.Post, $"/api/datasets/{f.UploadedDatasetId}/tags", new { tag = "perm", imageIds = new[] { f.ScoredImageId } })),
        ["GET /api/datasets/{datasetId:guid}/tags/"] = new(Need.Viewer, (f, _) => Get($"/api/datasets/{f.UploadedDatasetId}/tags")),
        ["GET /api/datasets/{datasetId:guid}/tags/{tag}"] = new(Need.Viewer, (f, _) => Get($"/api/datasets/{f.UploadedDatasetId}/tags/perm")),
        ["POST /api/scores/{jobId:guid}/queue"] = new(Need.Editor, (f, _) => Json(HttpMethod.Post, $"/api/scores/{f.ScoreJobId}/queue", new { imageIds = new[] { f.ScoredImageId } })),
        ["POST /api/reviews"] = new(Need.Editor, (f, _) => Json(HttpMethod.Post, "/api/reviews", new { imageId = f.ScoredImageId, scoreJobId = f.ScoreJobId, decision = "Skip" })),
        ["POST /api/scores/{jobId:guid}/reviews/bulk"] = new(Need.Editor, (f, _) => Json(HttpMethod.Post, $"/api/scores/{f.ScoreJobId}/reviews/bulk", new { imageIds = new[] { f.ScoredImageId }, decision = "Skip" })),
        // Allowed callers get 200 (their own latest decision, or nothing left to undo), refused ones 403/404.
        ["POST /api/scores/{jobId:guid}/reviews/undo"] = new(Need.Editor, (f, _) => Json(HttpMethod.Post, $"/api/scores/{f.ScoreJobId}/reviews/undo", new { })),

        ["POST /api/models/{modelId:guid}/generate"] = new(Need.Editor, (f, _) => Json(HttpMethod.Post, $"/api/models/{f.ModelId}/generate", new { mode = "prior", count = 2, seed = 1 })),
        ["POST /api/models/{modelId:guid}/generate/preview"] = new(Need.Editor, (f, _) => Json(HttpMethod.Post, $"/api/models/{f.ModelId}/generate/preview", new { mode = "prior", count = 2, seed = 1 })),
        ["GET /api/augmented/"] = new(Need.Viewer, (f, _) => Get($"/api/augmented?teamId={f.TeamId}")),
        ["GET /api/augmented/{id:guid}"] = new(Need.Viewer, (f, _) => Get($"/api/augmented/{f.AugmentedSetId}")),
        ["PATCH /api/augmented/{id:guid}"] = new(Need.Editor, (f, _) => Json(HttpMethod.Patch, $"/api/augmented/{f.AugmentedSetId}", new { notes = "perm" })),
        ["DELETE /api/augmented/{id:guid}"] = new(Need.Editor, async (f, _) => new HttpRequestMessage(HttpMethod.Delete, $"/api/augmented/{await f.NewAugmentedSetAsync()}")),
        ["POST /api/augmented/{id:guid}/merge"] = new(Need.Editor, (f, _) => Json(HttpMethod.Post, $"/api/augmented/{f.AugmentedSetId}/merge", new { name = "merged" })),
        ["GET /api/augmented/{id:guid}/images"] = new(Need.Viewer, (f, _) => Get($"/api/augmented/{f.AugmentedSetId}/images")),
        ["GET /api/augmented/{id:guid}/images/{index:int}.png"] = new(Need.Viewer, (f, _) => Get($"/api/augmented/{f.AugmentedSetId}/images/0.png")),
        ["GET /api/augmented/{id:guid}/export"] = new(Need.Viewer, (f, _) => Get($"/api/augmented/{f.AugmentedSetId}/export")),

        // Server-wide, not team-scoped: the fixture's Owner registered first, so is the server administrator.
        ["GET /api/admin/backups"] = new(Need.ServerAdmin, (_, _) => Get("/api/admin/backups")),
        // The API reference page (Scalar) and its bundled assets: a description of the API, no data.
        ["GET /api/docs/{documentName?}"] = new(Need.Anonymous, (_, _) => Get("/api/docs/")),
        ["GET /api/docs/favicon.svg"] = new(Need.Anonymous, (_, _) => Get("/api/docs/favicon.svg")),
        ["GET /api/docs/scalar.aspnetcore.js"] = new(Need.Anonymous, (_, _) => Get("/api/docs/scalar.aspnetcore.js")),
        ["GET /api/docs/scalar.js"] = new(Need.Anonymous, (_, _) => Get("/api/docs/scalar.js")),
    };

    [Fact]
    public void Every_api_endpoint_has_a_permission_rule()
    {
        var endpoints = ApiEndpointKeys(fixture.Factory);
        Assert.NotEmpty(endpoints);
        var missing = endpoints.Except(Rules.Keys).Order().ToList();
        Assert.True(missing.Count == 0, "Endpoints without a permission rule in EndpointPermissionTests.Rules: " + string.Join(", ", missing));
        var stale = Rules.Keys.Except(endpoints).Order().ToList();
        Assert.True(stale.Count == 0, "Rules for endpoints that no longer exist: " + string.Join(", ", stale));
    }

    public static TheoryData<string> RuleKeys() => [.. Rules.Keys.Order()];

    [Theory]
    [MemberData(nameof(RuleKeys))]
    public async Task Each_role_is_allowed_or_refused_as_its_rule_says(string key)
    {
        var rule = Rules[key];
        foreach (var caller in Enum.GetValues<Caller>())
        {
            var user = fixture.User(caller);
            using var request = await rule.Build(fixture, user ?? fixture.Owner);
            var client = user?.Client ?? fixture.Factory.CreateClient();
            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            var expected = Expected(rule.Need, caller);
            if (expected is { } refused)
                Assert.True(status == refused, $"{key} as {caller}: expected {refused}, got {status}: {Shorten(body)}");
            else
                Assert.True(status is not (401 or 403 or 404) && status < 500, $"{key} as {caller}: expected to be allowed, got {status}: {Shorten(body)}");
        }
    }

    [Fact]
    public async Task A_removed_member_is_refused_on_the_next_registry_request()
    {
        var member = await TrainedRun.JoinAsAsync(fixture.Factory, fixture.Owner, fixture.TeamId, "Editor");
        var url = $"/api/registry/{PermissionFixture.ModelName}?teamId={fixture.TeamId}";
        await ApiClient.EnsureStatusAsync(await member.Client.GetAsync(url), HttpStatusCode.OK);
        var memberId = await TrainedRun.MemberIdAsync(fixture.Owner, fixture.TeamId, member);
        await ApiClient.EnsureStatusAsync(await fixture.Owner.Client.DeleteAsync($"/api/teams/{fixture.TeamId}/members/{memberId}"), HttpStatusCode.NoContent);

        await ApiClient.AssertProblemAsync(await member.Client.GetAsync(url), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await member.Client.GetAsync($"/api/registry/{PermissionFixture.ModelName}/versions/1/download?teamId={fixture.TeamId}"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await member.Client.PutAsJsonAsync($"/api/registry/{PermissionFixture.ModelName}/aliases/candidate?teamId={fixture.TeamId}", new { version = 1 }), HttpStatusCode.NotFound);
        var removed = (await fixture.Owner.GetJsonAsync($"/api/teams/{fixture.TeamId}/audit?action=member.removed")).EnumerateArray();
        Assert.Contains(removed, e => e.GetProperty("objectId").GetString() == memberId);
    }

    /// <summary>The refusal a caller gets, or null when the caller is allowed.</summary>
    private static int? Expected(Need need, Caller caller) => (need, caller) switch
    {
        (Need.Anonymous, _) => null,
        (_, Caller.Anonymous) => 401,
        (Need.AnyUser, _) => null,
        (Need.ServerAdmin, Caller.Owner) => null,
        (Need.ServerAdmin, _) => 403,
        (_, Caller.Stranger) => 404,
        (Need.Viewer, _) => null,
        (Need.Editor, Caller.Viewer) => 403,
        (Need.Editor, _) => null,
        (Need.Owner, Caller.Owner) => null,
        (Need.Owner, _) => 403,
        _ => throw new ArgumentOutOfRangeException(nameof(need)),
    };

    internal static HashSet<string> ApiEndpointKeys(WorkbenchFactory factory)
    {
        var source = factory.Services.GetRequiredService<EndpointDataSource>();
        return source.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .ToHashSet();
    }

    private static Task<HttpRequestMessage> Get(string url) => Task.FromResult(new HttpRequestMessage(HttpMethod.Get, url));

    private static Task<HttpRequestMessage> Json(HttpMethod method, string url, object body) =>
        Task.FromResult(new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) });

    private static string Shorten(string text) => text.Length > 300 ? text[..300] : text;
}

/// <summary>A team with an Owner, an Editor and a Viewer, a stranger in no team of theirs, a trained run, and a registered model.</summary>
public sealed partial class PermissionFixture : IAsyncLifetime
{
    public const string ModelName = "perm-model";

    public WorkbenchFactory Factory { get; } = new(TrainedRun.FastTraining);
    public ApiUser Owner { get; private set; } = null!;

    /// <summary>A fresh invite of the team, for requests that revoke one.</summary>
    public async Task<Guid> NewInviteIdAsync()
    {
        var response = await Owner.Client.PostAsJsonAsync($"/api/teams/{TeamId}/invites", new { role = "Viewer" });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
    public ApiUser Editor { get; private set; } = null!;
    public ApiUser Viewer { get; private set; } = null!;
    public ApiUser Stranger { get; private set; } = null!;
    public Guid TeamId { get; private set; }
    public Guid RunId { get; private set; }
    public Guid ModelId { get; private set; }
    public Guid DatasetId { get; private set; }
    /// <summary>A dataset uploaded through the API, so it has image rows.</summary>
    public Guid UploadedDatasetId { get; private set; }
    public string SpareMemberId { get; private set; } = "";
    public byte[] ModelFile { get; private set; } = [];
    public Guid ScoreJobId { get; private set; }
    public long ScoredImageId { get; private set; }
    public Guid AugmentedSetId { get; private set; }

    public async Task InitializeAsync()
    {
        Owner = await Factory.RegisterWithTokenAsync();
        TeamId = await Owner.PersonalTeamIdAsync();
        (RunId, ModelId, DatasetId) = await TrainedRun.TrainAsync(Factory, Owner, TeamId, images: 200);
        Editor = await TrainedRun.JoinAsAsync(Factory, Owner, TeamId, "Editor");
        Viewer = await TrainedRun.JoinAsAsync(Factory, Owner, TeamId, "Viewer");
        var spare = await TrainedRun.JoinAsAsync(Factory, Owner, TeamId, "Viewer");
        SpareMemberId = await TrainedRun.MemberIdAsync(Owner, TeamId, spare);
        Stranger = await Factory.RegisterWithTokenAsync();
        await ApiClient.EnsureStatusAsync(await Owner.Client.PostAsJsonAsync("/api/registry", new { runId = RunId, name = ModelName }), HttpStatusCode.Created);
        ModelFile = await Owner.Client.GetByteArrayAsync($"/api/models/{ModelId}/file");
        var uploaded = await Owner.UploadAsync(DatasetUploads.Form("uploaded", 28, 1, [("a.png", Imaging.Formats.Png.PngEncoder.Encode(DatasetUploads.Fashion(0).Image))], TeamId));
        UploadedDatasetId = uploaded.GetProperty("id").GetGuid();

        var scoring = await Owner.Client.PostAsJsonAsync($"/api/models/{ModelId}/scores", new { datasetId = UploadedDatasetId, method = "recon" });
        await ApiClient.EnsureStatusAsync(scoring, HttpStatusCode.Accepted);
        ScoreJobId = (await scoring.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
        var job = await Eventually.WaitForAsync(() => Owner.GetJsonAsync($"/api/scores/{ScoreJobId}"),
            j => j.GetProperty("status").GetString() is "Succeeded" or "Failed", TimeSpan.FromMinutes(2), "the score job");
        ScoredImageId = job.GetProperty("items")[0].GetProperty("imageId").GetInt64();
        AugmentedSetId = await NewAugmentedSetAsync();
        await InitializeStrangerAsync();
    }

    /// <summary>Generates a small augmented set and waits for it, for requests that read or delete one.</summary>
    public async Task<Guid> NewAugmentedSetAsync()
    {
        var response = await Owner.Client.PostAsJsonAsync($"/api/models/{ModelId}/generate", new { mode = "prior", count = 2, seed = 1 });
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.Accepted);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("augmentedId").GetGuid();
        await Eventually.WaitForAsync(() => Owner.GetJsonAsync($"/api/augmented/{id}"),
            a => a.GetProperty("status").GetString() is "Succeeded" or "Failed", TimeSpan.FromMinutes(2), "the augmented set");
        return id;
    }

    public ApiUser? User(EndpointPermissionTests.Caller caller) => caller switch
    {
        EndpointPermissionTests.Caller.Owner => Owner,
        EndpointPermissionTests.Caller.Editor => Editor,
        EndpointPermissionTests.Caller.Viewer => Viewer,
        EndpointPermissionTests.Caller.Stranger => Stranger,
        _ => null,
    };

    /// <summary>A fresh Viewer's user id, for a request that removes a member.</summary>
    public async Task<string> NewMemberAsync()
    {
        var member = await TrainedRun.JoinAsAsync(Factory, Owner, TeamId, "Viewer");
        return await TrainedRun.MemberIdAsync(Owner, TeamId, member);
    }

    /// <summary>Registers another version of the model, for a request that deletes one.</summary>
    public async Task<int> NewVersionAsync()
    {
        var response = await Owner.Client.PostAsJsonAsync("/api/registry", new { runId = RunId, name = ModelName });
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32();
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}
