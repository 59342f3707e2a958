using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Registry;

/// <summary>
/// The IDOR sweep, completed: (1) every endpoint of the app, not just /api, is classified, so a new endpoint of any kind
/// fails until someone decides how it is protected; (2) every id an /api endpoint takes (route, query or JSON body) is
/// classified too: the primary id, whose foreign value the Stranger row of the role table already proves gets 404; a
/// secondary id, which a test here sends with another team's value next to the caller's own object and expects 404;
/// or a value that is not an object reference (a filter or an index inside the addressed object).
/// </summary>
public sealed partial class EndpointPermissionTests
{
    /// <summary>How the endpoints outside /api are protected. Page components are classified by their metadata.</summary>
    private static readonly Dictionary<string, string> OtherEndpoints = new()
    {
        ["POST /account/logout"] = "ends the caller's own session; antiforgery-checked (AccountFormCsrfTests)",
        ["POST /account/logout-everywhere"] = "ends every session of the caller's own account; antiforgery-checked (SessionEndTests)",
        ["GET /openapi/{documentName}.json"] = "the API description; no data",
        ["ANY /healthz"] = "health probe; no data",
        ["ANY /health/live"] = "liveness probe; no data",
        ["ANY /health/ready"] = "readiness probe: check names and results, no team data",
        ["ANY /metrics"] = "Prometheus metrics: loopback or the Metrics:Token bearer only; queue depths and job timings, no team data",
        ["ANY /_blazor"] = "Blazor circuit hub: pages run as the signed-in user and read through team-checked services",
        ["ANY /_blazor/negotiate"] = "Blazor circuit hub",
        ["ANY /_blazor/disconnect/"] = "Blazor circuit hub",
        ["ANY /_blazor/initializers/"] = "Blazor framework script list",
        ["GET /_framework/opaque-redirect"] = "framework redirect helper",
    };

    private enum IdKind { Primary, Secondary, NotAReference }

    private sealed record IdInput(IdKind Kind, Func<PermissionFixture, Task<(ApiUser Caller, HttpRequestMessage Request)>>? Foreign = null);

    private static readonly IdInput Primary = new(IdKind.Primary);
    private static readonly IdInput NotAReference = new(IdKind.NotAReference);

    /// <summary>Keyed "METHOD route :: input". Secondary ids carry a request with a foreign value, expected to get 404.</summary>
    private static readonly Dictionary<string, IdInput> IdInputs = new()
    {
        ["PUT /api/me/current-team :: teamId"] = Primary,
        ["GET /api/teams/{teamId:guid} :: teamId"] = Primary,
        ["PUT /api/teams/{teamId:guid} :: teamId"] = Primary,
        ["GET /api/teams/{teamId:guid}/members :: teamId"] = Primary,
        ["PUT /api/teams/{teamId:guid}/members/{userId} :: teamId"] = Primary,
        ["PUT /api/teams/{teamId:guid}/members/{userId} :: userId"] = new(IdKind.Secondary, async f =>
            (f.Owner, await Json(HttpMethod.Put, $"/api/teams/{f.TeamId}/members/{f.StrangerUserId}", new { role = "Viewer" }))),
        ["DELETE /api/teams/{teamId:guid}/members/{userId} :: teamId"] = Primary,
        ["DELETE /api/teams/{teamId:guid}/members/{userId} :: userId"] = new(IdKind.Secondary, f =>
            Task.FromResult((f.Owner, new HttpRequestMessage(HttpMethod.Delete, $"/api/teams/{f.TeamId}/members/{f.StrangerUserId}")))),
        ["POST /api/teams/{teamId:guid}/invites :: teamId"] = Primary,
        ["GET /api/teams/{teamId:guid}/invites :: teamId"] = Primary,
        ["DELETE /api/teams/{teamId:guid}/invites/{inviteId:guid} :: teamId"] = Primary,
        // The owner names their own team and an invite of the stranger's team: the invite is looked up within the team.
        ["DELETE /api/teams/{teamId:guid}/invites/{inviteId:guid} :: inviteId"] = new(IdKind.Secondary, async f =>
            (f.Owner, new HttpRequestMessage(HttpMethod.Delete, $"/api/teams/{f.TeamId}/invites/{await f.StrangerInviteIdAsync()}"))),
        ["GET /api/teams/{teamId:guid}/audit :: teamId"] = Primary,
        ["GET /api/teams/{teamId:guid}/audit :: userId"] = NotAReference, // filters the team's own log
        ["GET /api/teams/{teamId:guid}/audit :: objectId"] = NotAReference,
        // The stranger revokes the owner's token: another user's token reads as missing.
        ["DELETE /api/tokens/{tokenId:guid} :: tokenId"] = new(IdKind.Secondary, async f =>
            (f.Stranger, new HttpRequestMessage(HttpMethod.Delete, $"/api/tokens/{await f.OwnerTokenIdAsync()}"))),

        ["POST /api/datasets/ :: teamId"] = Primary, // a multipart form field
        ["GET /api/datasets/ :: teamId"] = Primary,
        ["GET /api/datasets/{id:guid} :: id"] = Primary,
        ["PUT /api/datasets/{id:guid} :: id"] = Primary,
        ["PATCH /api/datasets/{id:guid} :: id"] = Primary,
        ["DELETE /api/datasets/{id:guid} :: id"] = Primary,
        ["GET /api/datasets/{id:guid}/classes :: id"] = Primary,
        ["PUT /api/datasets/{id:guid}/classes :: id"] = Primary,
        ["GET /api/datasets/{id:guid}/images :: id"] = Primary,
        ["GET /api/datasets/{id:guid}/images/{index:int}.png :: id"] = Primary,

        ["POST /api/runs/ :: datasetId"] = Primary,
        ["GET /api/runs/ :: teamId"] = Primary,
        ["GET /api/runs/{runId:guid} :: runId"] = Primary,
        ["POST /api/runs/{runId:guid}/cancel :: runId"] = Primary,
        ["PATCH /api/runs/{runId:guid} :: runId"] = Primary,
        ["GET /api/models/ :: teamId"] = Primary,
        ["GET /api/models/{modelId:guid} :: modelId"] = Primary,
        ["GET /api/models/{modelId:guid}/file :: modelId"] = Primary,

        ["POST /api/models/{modelId:guid}/scores :: modelId"] = Primary,
        ["POST /api/models/{modelId:guid}/scores :: datasetId"] = new(IdKind.Secondary, async f =>
            (f.Owner, await Json(HttpMethod.Post, $"/api/models/{f.ModelId}/scores", new { datasetId = f.StrangerDatasetId, method = "recon" }))),
        ["GET /api/models/{modelId:guid}/scores :: modelId"] = Primary,
        ["GET /api/scores/{jobId:guid} :: jobId"] = Primary,
        ["PUT /api/scores/{jobId:guid}/settings :: jobId"] = Primary,
        ["GET /api/scores/{jobId:guid}/reviews :: jobId"] = Primary,
        ["GET /api/scores/{jobId:guid}/reviews.csv :: jobId"] = Primary,
        ["POST /api/scores/{jobId:guid}/cleaned-dataset :: jobId"] = Primary,
        ["POST /api/scores/{jobId:guid}/reviews/bulk :: jobId"] = Primary,
        ["POST /api/scores/{jobId:guid}/reviews/bulk :: imageIds"] = new(IdKind.Secondary, async f =>
            (f.Owner, await Json(HttpMethod.Post, $"/api/scores/{f.ScoreJobId}/reviews/bulk", new { imageIds = new[] { f.ScoredImageId, f.StrangerImageId }, decision = "Anomaly" }))),
        ["POST /api/scores/{jobId:guid}/reviews/undo :: jobId"] = Primary,
        ["POST /api/reviews :: scoreJobId"] = Primary,
        ["POST /api/reviews :: imageId"] = new(IdKind.Secondary, async f =>
            (f.Owner, await Json(HttpMethod.Post, "/api/reviews", new { imageId = f.StrangerImageId, scoreJobId = f.ScoreJobId, decision = "Anomaly" }))),

        ["POST /api/models/{modelId:guid}/latent-map/region :: modelId"] = Primary,
        ["POST /api/datasets/{datasetId:guid}/tags/ :: datasetId"] = Primary,
        ["POST /api/datasets/{datasetId:guid}/tags/ :: imageIds"] = new(IdKind.Secondary, async f =>
            (f.Owner, await Json(HttpMethod.Post, $"/api/datasets/{f.UploadedDatasetId}/tags", new { tag = "foreign", imageIds = new[] { f.StrangerImageId } }))),
        ["GET /api/datasets/{datasetId:guid}/tags/ :: datasetId"] = Primary,
        ["GET /api/datasets/{datasetId:guid}/tags/{tag} :: datasetId"] = Primary,
        ["POST /api/scores/{jobId:guid}/queue :: jobId"] = Primary,
        ["POST /api/scores/{jobId:guid}/queue :: imageIds"] = new(IdKind.Secondary, async f =>
            (f.Owner, await Json(HttpMethod.Post, $"/api/scores/{f.ScoreJobId}/queue", new { imageIds = new[] { f.StrangerImageId } }))),

        ["POST /api/models/{modelId:guid}/generate :: modelId"] = Primary,
        ["POST /api/models/{modelId:guid}/generate :: imageIds"] = NotAReference, // indices into the model's own training set
        ["POST /api/models/{modelId:guid}/generate/preview :: modelId"] = Primary,
        ["POST /api/models/{modelId:guid}/generate/preview :: imageIds"] = NotAReference,
        ["GET /api/augmented/ :: teamId"] = Primary,
        ["GET /api/augmented/{id:guid} :: id"] = Primary,
        ["PATCH /api/augmented/{id:guid} :: id"] = Primary,
        ["DELETE /api/augmented/{id:guid} :: id"] = Primary,
        ["POST /api/augmented/{id:guid}/merge :: id"] = Primary,
        ["GET /api/augmented/{id:guid}/images :: id"] = Primary,
        ["GET /api/augmented/{id:guid}/images/{index:int}.png :: id"] = Primary,
        ["GET /api/augmented/{id:guid}/export :: id"] = Primary,

        ["POST /api/registry/ :: runId"] = Primary,
        ["GET /api/registry/ :: teamId"] = Primary,
        ["POST /api/registry/import :: teamId"] = Primary, // a multipart form field
        ["GET /api/registry/{name} :: teamId"] = Primary,
        ["PUT /api/registry/{name}/aliases/{alias} :: teamId"] = Primary,
        ["PATCH /api/registry/{name} :: teamId"] = Primary,
        ["GET /api/registry/{name}/card :: teamId"] = Primary,
        ["GET /api/registry/{name}/card.html :: teamId"] = Primary,
        ["PUT /api/registry/{name}/card :: teamId"] = Primary,
        ["GET /api/registry/{name}/versions/{version:int}/download :: teamId"] = Primary,
        ["GET /api/registry/{name}/versions/{version:int}/samples.png :: teamId"] = Primary,
        ["GET /api/registry/{name}/versions/{version:int}/reconstructions.png :: teamId"] = Primary,
        ["POST /api/registry/{name}/versions/{version:int}/copy :: teamId"] = Primary,
        // The owner copies their model into the stranger's team.
        ["POST /api/registry/{name}/versions/{version:int}/copy :: targetTeamId"] = new(IdKind.Secondary, async f =>
            (f.Owner, await Json(HttpMethod.Post, $"/api/registry/{PermissionFixture.ModelName}/versions/1/copy?teamId={f.TeamId}", new { targetTeamId = f.StrangerTeamId }))),
        ["DELETE /api/registry/{name}/versions/{version:int} :: teamId"] = Primary,
    };

    [Fact]
    public void Every_endpoint_of_the_app_is_classified_pages_and_framework_included()
    {
        var all = fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var pages = all.Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null).ToList();
        Assert.True(pages.Count >= 10, $"only {pages.Count} pages found");
        // /api endpoints are checked against the role table by Every_api_endpoint_has_a_permission_rule.
        var others = all.Except(pages).Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) != true).Select(Key).ToHashSet();
        var missing = others.Except(OtherEndpoints.Keys).Order().ToList();
        Assert.True(missing.Count == 0, "Endpoints nobody has classified (add them to OtherEndpoints, or to Rules under /api): " + string.Join(", ", missing));
        var stale = OtherEndpoints.Keys.Except(others).Order().ToList();
        Assert.True(stale.Count == 0, "OtherEndpoints lists endpoints that no longer exist: " + string.Join(", ", stale));
    }

    [Fact]
    public void Every_id_an_api_endpoint_takes_is_classified()
    {
        var inputs = ApiIdInputs(fixture.Factory);
        Assert.True(inputs.Count >= 40, $"only {inputs.Count} id inputs found; is the reflection still finding them?");
        var missing = inputs.Except(IdInputs.Keys).Order().ToList();
        Assert.True(missing.Count == 0, "Ids without a classification in IdInputs (Primary, Secondary with a foreign-id request, or NotAReference): " + string.Join(", ", missing));
        var stale = IdInputs.Keys.Except(inputs).Order().ToList();
        Assert.True(stale.Count == 0, "IdInputs lists inputs that no longer exist: " + string.Join(", ", stale));
        Assert.All(IdInputs.Where(i => i.Value.Kind == IdKind.Secondary), i => Assert.NotNull(i.Value.Foreign));
    }

    public static TheoryData<string> SecondaryIdKeys() => [.. IdInputs.Where(i => i.Value.Kind == IdKind.Secondary).Select(i => i.Key).Order()];

    [Theory]
    [MemberData(nameof(SecondaryIdKeys))]
    public async Task Another_teams_id_next_to_the_callers_own_object_gets_404(string key)
    {
        var (caller, request) = await IdInputs[key].Foreign!(fixture);
        using (request)
        {
            using var response = await caller.Client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{key}: expected 404, got {(int)response.StatusCode}: {Shorten(body)}");
        }
    }

    private static string Key(RouteEndpoint e) =>
        $"{string.Join(",", e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"])} {e.RoutePattern.RawText}";

    /// <summary>
    /// "METHOD route :: name" for each id-like input: route parameters, simple handler parameters (query), and the
    /// properties of the declared body type (JSON, or the form an upload endpoint declares).
    /// </summary>
    private static HashSet<string> ApiIdInputs(WorkbenchFactory factory)
    {
        var keys = new HashSet<string>();
        foreach (var endpoint in factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
                     .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true))
        {
            var names = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToList();
            var handler = endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault();
            names.AddRange(handler?.GetParameters().Where(p => IsSimple(p.ParameterType)).Select(p => p.Name!) ?? []);
            if (endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType is { } body)
                names.AddRange(body.GetProperties().Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]));
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"])
                foreach (var name in names.Where(IsIdLike).Distinct())
                    keys.Add($"{method} {endpoint.RoutePattern.RawText} :: {name}");
        }
        return keys;
    }

    private static bool IsIdLike(string name) => name == "id" || name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("Ids", StringComparison.Ordinal);

    private static bool IsSimple(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t == typeof(string) || t == typeof(Guid) || t == typeof(DateTimeOffset);
    }
}

/// <summary>What the stranger owns, for requests that mix the caller's own object with someone else's id.</summary>
public sealed partial class PermissionFixture
{
    public Guid StrangerTeamId { get; private set; }
    public string StrangerUserId { get; private set; } = "";
    public Guid StrangerDatasetId { get; private set; }
    public long StrangerImageId { get; private set; }

    private async Task InitializeStrangerAsync()
    {
        StrangerTeamId = await Stranger.PersonalTeamIdAsync();
        using (var scope = Factory.Services.CreateScope())
            StrangerUserId = (await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Data.Entities.AppUser>>().FindByEmailAsync(Stranger.Email))!.Id;
        StrangerDatasetId = await Factory.CreateFashionMnistAsync(StrangerTeamId, 10, "stranger's");
        StrangerImageId = (await DatasetImageRows.AddAsync(Factory, StrangerDatasetId))[0];
    }

    public async Task<Guid> StrangerInviteIdAsync()
    {
        var response = await Stranger.Client.PostAsJsonAsync($"/api/teams/{StrangerTeamId}/invites", new { role = "Viewer" });
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
    }

    public async Task<Guid> OwnerTokenIdAsync() =>
        (await Owner.GetJsonAsync("/api/tokens")).EnumerateArray().First(t => t.GetProperty("revokedAt").ValueKind == System.Text.Json.JsonValueKind.Null).GetProperty("id").GetGuid();
}
