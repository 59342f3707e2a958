using System.Net;
using System.Text.Json;

namespace VaeWorkbench.Web.Tests.OpenApi;

/// <summary>
/// The OpenAPI document is complete enough for a generated client: the bearer scheme where the server asks for it,
/// the errors each operation can answer, a content type on every download, and honest <c>required</c> lists.
/// </summary>
public sealed class OpenApiDocumentTests(OpenApiDocumentFixture document) : IClassFixture<OpenApiDocumentFixture>
{
    /// <summary>Anonymous operations that answer 401 themselves: wrong e-mail or password.</summary>
    private static readonly HashSet<string> AnonymousWith401 = ["POST /api/auth/token"];

    [Fact]
    public void The_bearer_scheme_describes_personal_access_tokens()
    {
        var scheme = document.Root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.Contains("vwb_", scheme.GetProperty("description").GetString());
    }

    /// <summary>
    /// Decided by the server, not by the document's own logic: an anonymous request to each operation gets 401 exactly
    /// when the operation declares the bearer requirement.
    /// </summary>
    [Fact]
    public async Task Exactly_the_operations_the_server_refuses_anonymously_require_the_bearer_token()
    {
        var anonymous = document.Factory.CreateClient();
        var wrong = new List<string>();
        foreach (var (method, path, operation) in document.Operations())
        {
            var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), SamplePath(path, operation)));
            var refused = response.StatusCode == HttpStatusCode.Unauthorized;
            if (refused != operation.HasBearerRequirement())
                wrong.Add($"{method} {path}: anonymous got {(int)response.StatusCode}, bearer requirement {operation.HasBearerRequirement()}");
        }
        Assert.Empty(wrong);
        Assert.Contains(document.Operations(), o => o.Path == "/api/auth/register" && !o.Operation.HasBearerRequirement());
    }

    [Fact]
    public void Every_operation_declares_401_and_403_if_and_only_if_it_needs_the_token()
    {
        var wrong = document.Operations()
            .Where(o => !AnonymousWith401.Contains($"{o.Method} {o.Path}"))
            .Where(o => o.Operation.DeclaresResponse("401") != o.Operation.HasBearerRequirement()
                || (o.Operation.HasBearerRequirement() && !o.Operation.DeclaresResponse("403")))
            .Select(o => $"{o.Method} {o.Path}").ToList();
        Assert.Empty(wrong);
        Assert.All(AnonymousWith401, name => Assert.True(document.Operations().Single(o => $"{o.Method} {o.Path}" == name).Operation.DeclaresResponse("401")));
    }

    [Fact]
    public void Every_operation_with_a_route_value_declares_404_and_every_one_with_input_declares_400()
    {
        var wrong = new List<string>();
        foreach (var (method, path, operation) in document.Operations())
        {
            if (path.Contains('{') && !operation.DeclaresResponse("404")) wrong.Add($"{method} {path}: no 404");
            var takesInput = operation.TryGetProperty("requestBody", out _) || operation.Parameters().Any();
            if (takesInput && !operation.DeclaresResponse("400")) wrong.Add($"{method} {path}: no 400");
        }
        Assert.Empty(wrong);
        Assert.True(Operation("POST", "/api/runs").DeclaresResponse("404"), "a run names its dataset in the body");
    }

    [Fact]
    public void Every_error_response_is_problem_details_and_every_operation_declares_a_success()
    {
        var wrong = new List<string>();
        foreach (var (method, path, operation) in document.Operations())
        {
            var responses = operation.GetProperty("responses").EnumerateObject().ToList();
            if (!responses.Any(r => r.Name.StartsWith('2'))) wrong.Add($"{method} {path}: no success response");
            foreach (var error in responses.Where(r => r.Name[0] is '4' or '5'))
            {
                var reference = error.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/problem+json", out var problem)
                    ? problem.GetProperty("schema").GetProperty("$ref").GetString() : null;
                if (reference != "#/components/schemas/ProblemDetails") wrong.Add($"{method} {path} {error.Name}: {reference ?? "no problem+json"}");
            }
        }
        Assert.Empty(wrong);
    }

    [Fact]
    public void Every_operation_has_its_own_operation_id_and_a_summary()
    {
        var operations = document.Operations().ToList();
        var ids = operations.Select(o => o.Operation.TryGetProperty("operationId", out var id) ? id.GetString() : null).ToList();
        Assert.DoesNotContain(null, ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Contains("getDatasetsByIdImagesByIndexPng", ids);
        Assert.Empty(operations.Where(o => !o.Operation.TryGetProperty("summary", out _)).Select(o => $"{o.Method} {o.Path}"));
    }

    [Fact]
    public void Sign_in_and_uploads_declare_their_limits()
    {
        var token = Operation("POST", "/api/auth/token");
        Assert.True(token.DeclaresResponse("429"), "the rate-limited sign-in declares 429");
        Assert.True(token.DeclaresResponse("403"), "a locked-out account is 403");
        Assert.True(Operation("POST", "/api/datasets").DeclaresResponse("413"));
        Assert.True(Operation("POST", "/api/registry/import").DeclaresResponse("413"));
        Assert.False(Operation("GET", "/api/me").DeclaresResponse("429"));
    }

    [Theory]
    [InlineData("GET", "/api/datasets/{id}/images/{index}.png", "image/png")]
    [InlineData("GET", "/api/augmented/{id}/images/{index}.png", "image/png")]
    [InlineData("POST", "/api/models/{modelId}/generate/preview", "image/png")]
    [InlineData("GET", "/api/registry/{name}/versions/{version}/samples.png", "image/png")]
    [InlineData("GET", "/api/registry/{name}/versions/{version}/reconstructions.png", "image/png")]
    [InlineData("GET", "/api/models/{modelId}/file", "application/octet-stream")]
    [InlineData("GET", "/api/registry/{name}/versions/{version}/download", "application/octet-stream")]
    [InlineData("GET", "/api/augmented/{id}/export", "application/zip")]
    [InlineData("GET", "/api/scores/{jobId}/reviews.csv", "text/csv")]
    [InlineData("GET", "/api/teams/{teamId}/audit", "text/csv")]
    public void Every_download_declares_its_content_type_as_binary(string method, string path, string contentType)
    {
        var content = Operation(method, path).GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(content.TryGetProperty(contentType, out var media), $"{method} {path} 200 has {string.Join(", ", content.EnumerateObject().Select(c => c.Name))}");
        Assert.Equal("binary", media.GetProperty("schema").GetProperty("format").GetString());
    }

    [Theory]
    [InlineData("GET", "/api/models/{modelId}/file")]
    [InlineData("GET", "/api/registry/{name}/versions/{version}/download")]
    public void Model_downloads_take_an_optional_include_training_state_flag(string method, string path)
    {
        var parameter = Operation(method, path).Parameters().Single(p => p.GetProperty("name").GetString() == "includeTrainingState");
        Assert.Equal("query", parameter.GetProperty("in").GetString());
        Assert.False(parameter.TryGetProperty("required", out var required) && required.GetBoolean());
        Assert.Contains("includeTrainingState=true", Operation(method, path).GetProperty("summary").GetString());
    }

    [Theory]
    [InlineData("/api/scores/{jobId}/reviews/bulk", true)]
    [InlineData("/api/scores/{jobId}/reviews/undo", false)]
    public void Review_bulk_and_undo_are_described_with_their_errors(string path, bool takesBody)
    {
        var operation = Operation("POST", path);
        Assert.Equal(takesBody, operation.TryGetProperty("requestBody", out _));
        foreach (var status in new[] { "401", "403", "404" }) Assert.True(operation.DeclaresResponse(status), $"{path}: no {status}");
        Assert.True(operation.HasBearerRequirement());
        Assert.Contains("Reviews", operation.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public void The_generate_filter_describes_its_balance_and_the_set_its_filter_report()
    {
        var filter = document.Schema("GenerateFilterRequest").GetProperty("properties");
        Assert.True(filter.TryGetProperty("balance", out _));
        Assert.True(filter.TryGetProperty("maxAttempts", out _));
        Assert.True(document.Schema("AugmentedProvenance").GetProperty("properties").TryGetProperty("filterReport", out _));
        var removal = document.Schema("ClassRemoval");
        Assert.Equal(["class", "generated", "kept", "removedByFilter", "removedForBalance", "target"], removal.Required().Order());
    }

    [Fact]
    public void Run_settings_require_the_dataset_and_nothing_that_has_a_default()
    {
        var required = document.Schema("RunSettings").Required();
        Assert.Equal(["datasetId"], required);
    }

    [Theory]
    [InlineData("RegisterRequest", "", "email,password,inviteCode")]
    [InlineData("RunResponse", "id,status,epoch,epochs,history,datasetId,settings", "error,modelId,queuePosition")]
    [InlineData("RunHistoryPoint", "epoch,trainLoss,recon,kl", "valLoss,valRecon,valKl")]
    [InlineData("MeResponse", "email,teams", "currentTeamId")]
    [InlineData("ProblemDetails", "", "type,title,status,detail,instance")]
    public void Named_schemas_require_exactly_their_non_nullable_properties(string schema, string required, string optional)
    {
        var actual = document.Schema(schema).Required();
        foreach (var name in required.Split(',', StringSplitOptions.RemoveEmptyEntries)) Assert.Contains(name, actual);
        foreach (var name in optional.Split(',')) Assert.DoesNotContain(name, actual);
    }

    [Fact]
    public void No_schema_requires_a_property_that_may_be_null()
    {
        var wrong = new List<string>();
        foreach (var schema in document.Root.GetProperty("components").GetProperty("schemas").EnumerateObject())
        {
            if (!schema.Value.TryGetProperty("properties", out var properties)) continue;
            foreach (var name in schema.Value.Required())
                if (properties.TryGetProperty(name, out var property) && MayBeNull(property)) wrong.Add($"{schema.Name}.{name}");
        }
        Assert.Empty(wrong);
    }

    private JsonElement Operation(string method, string path) =>
        document.Root.GetProperty("paths").GetProperty(path).GetProperty(method.ToLowerInvariant());

    private static bool MayBeNull(JsonElement property) =>
        property.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.GetString() == "null");

    /// <summary>The path with each route value replaced by one its route constraint accepts.</summary>
    private static string SamplePath(string path, JsonElement operation)
    {
        foreach (var parameter in operation.Parameters().Where(p => p.GetProperty("in").GetString() == "path"))
        {
            var schema = parameter.GetProperty("schema");
            var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
            var value = format == "uuid" ? Guid.NewGuid().ToString() : format is "int32" or "int64" ? "1" : "sample";
            path = path.Replace("{" + parameter.GetProperty("name").GetString() + "}", value, StringComparison.Ordinal);
        }
        return path;
    }
}
