using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Registry;

/// <summary>One trained model shared by the registry tests (training is the slow part).</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    public WorkbenchFactory Factory { get; } = new(TrainedRun.FastTraining);
    public ApiUser Owner { get; private set; } = null!;
    public Guid TeamId { get; private set; }
    public Guid RunId { get; private set; }
    public Guid ModelId { get; private set; }
    public Guid DatasetId { get; private set; }

    public async Task InitializeAsync()
    {
        Owner = await Factory.RegisterWithTokenAsync();
        TeamId = await Owner.PersonalTeamIdAsync();
        (RunId, ModelId, DatasetId) = await TrainedRun.TrainAsync(Factory, Owner, TeamId);
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class RegistryApiTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private ApiUser Owner => fixture.Owner;

    [Fact]
    public async Task A_run_registers_as_numbered_versions_with_grids_search_and_aliases()
    {
        var name = Unique("shirts");
        Assert.Equal(1, await RegisterAsync(name, tags: ["fashion", "mlp"], description: "First **try**"));
        Assert.Equal(2, await RegisterAsync(name, tags: ["fashion"]));

        var list = await Owner.GetJsonAsync($"/api/registry?q={name[..8]}");
        var entry = Assert.Single(list.EnumerateArray(), m => m.GetProperty("name").GetString() == name);
        Assert.Equal(2, entry.GetProperty("latestVersion").GetInt32());
        Assert.Contains("mlp", entry.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.DoesNotContain((await Owner.GetJsonAsync("/api/registry?q=no-such-model-zzz")).EnumerateArray(), m => m.GetProperty("name").GetString() == name);
        Assert.Contains((await Owner.GetJsonAsync("/api/registry?tag=mlp")).EnumerateArray(), m => m.GetProperty("name").GetString() == name);

        var details = await Owner.GetJsonAsync($"/api/registry/{name}");
        var versions = details.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal([2, 1], versions.Select(v => v.GetProperty("version").GetInt32()));
        var first = versions[1];
        Assert.Equal("First **try**", first.GetProperty("description").GetString());
        Assert.Equal(fixture.RunId, first.GetProperty("runId").GetGuid());
        Assert.Equal(fixture.DatasetId, first.GetProperty("datasetId").GetGuid());
        Assert.Equal(20, first.GetProperty("config").GetProperty("latent").GetInt32());
        Assert.Equal(1, first.GetProperty("metrics").GetProperty("epochs").GetInt32());
        Assert.Equal("run", first.GetProperty("source").GetString());

        foreach (var grid in new[] { "samples", "reconstructions" })
        {
            var png = await Owner.Client.GetAsync($"/api/registry/{name}/versions/1/{grid}.png");
            await ApiClient.EnsureStatusAsync(png, HttpStatusCode.OK);
            Assert.Equal(PngSignature, (await png.Content.ReadAsByteArrayAsync())[..8]);
        }

        await SetAliasAsync(name, "production", 1);
        await SetAliasAsync(name, "candidate", 2);
        await SetAliasAsync(name, "production", 2);
        versions = (await Owner.GetJsonAsync($"/api/registry/{name}")).GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal(["candidate", "production"], versions[0].GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Empty(versions[1].GetProperty("aliases").EnumerateArray());

        await ApiClient.AssertProblemAsync(await Owner.Client.PutAsJsonAsync($"/api/registry/{name}/aliases/production", new { version = 9 }), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await Owner.Client.PutAsJsonAsync($"/api/registry/{name}/aliases/Not%20Valid", new { version = 1 }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Registration_rejects_bad_names_and_runs_that_did_not_succeed()
    {
        var bad = await Owner.Client.PostAsJsonAsync("/api/registry", new { runId = fixture.RunId, name = "../etc/passwd" });
        Assert.Contains("letters, digits", (await ApiClient.AssertProblemAsync(bad, HttpStatusCode.BadRequest)).GetProperty("detail").GetString());

        var failedRun = await InsertRunAsync(Data.Entities.RunStatus.Failed);
        var problem = await ApiClient.AssertProblemAsync(await Owner.Client.PostAsJsonAsync("/api/registry", new { runId = failedRun, name = Unique("x") }), HttpStatusCode.BadRequest);
        Assert.Contains("succeeded", problem.GetProperty("detail").GetString());
        await ApiClient.AssertProblemAsync(await Owner.Client.PostAsJsonAsync("/api/registry", new { runId = Guid.NewGuid(), name = Unique("x") }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_downloaded_version_reimports_identically()
    {
        var name = Unique("export");
        await RegisterAsync(name);
        var download = await Owner.Client.GetAsync($"/api/registry/{name}/versions/1/download");
        await ApiClient.EnsureStatusAsync(download, HttpStatusCode.OK);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal($"{name}-v1.vae", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var exported = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(await Owner.Client.GetByteArrayAsync($"/api/models/{fixture.ModelId}/file"), exported);

        var importedName = Unique("imported");
        var response = await ImportAsync(importedName, exported);
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.Created);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());

        var version = (await Owner.GetJsonAsync($"/api/registry/{importedName}")).GetProperty("versions")[0];
        Assert.Equal("import", version.GetProperty("source").GetString());
        Assert.False(version.GetProperty("hasReconstructionGrid").GetBoolean());
        var reimported = await Owner.Client.GetByteArrayAsync($"/api/registry/{importedName}/versions/1/download");
        Assert.Equal(exported, reimported);
        var (a, b) = (ModelFile.Load(exported).Model, ModelFile.Load(reimported).Model);
        Assert.Equal(JsonSerializer.Serialize(a.Config), JsonSerializer.Serialize(b.Config));
        for (var i = 0; i < a.Parameters.Count; i++)
        {
            Assert.Equal(a.Parameters[i].Name, b.Parameters[i].Name);
            Assert.Equal(a.Parameters[i].Value, b.Parameters[i].Value);
        }
    }

    [Fact]
    public async Task Corrupt_or_truncated_files_are_rejected_and_nothing_is_stored()
    {
        var good = await Owner.Client.GetByteArrayAsync($"/api/models/{fixture.ModelId}/file");
        var headerLength = (int)BitConverter.ToUInt64(good, 0);
        var loaded = ModelFile.Load(good);

        var nan = (byte[])good.Clone();
        BitConverter.GetBytes(float.NaN).CopyTo(nan, 8 + headerLength + 4 * 10);
        var wrongShape = Rewrite(loaded, tensors =>
        {
            var i = tensors.FindIndex(t => t.Shape.Length == 2 && t.Shape[0] != t.Shape[1]);
            tensors[i] = tensors[i] with { Shape = [.. Enumerable.Reverse(tensors[i].Shape)] };
        });
        var missingTensor = Rewrite(loaded, tensors => tensors.RemoveAt(tensors.Count - 1));
        var badConfig = Rewrite(loaded, metadata: m => m["config"] = "{\"architecture\":\"mlp\",\"latent\":-3}");
        var hugeConfig = Rewrite(loaded, metadata: m => m["config"] = "{\"architecture\":\"mlp\",\"latent\":20,\"hidden\":[90000]}");
        var notAModel = Rewrite(loaded, metadata: m => m["format"] = "something-else");
        var headerGarbage = (byte[])good.Clone();
        headerGarbage[9] = (byte)'!';
        var hugeHeader = (byte[])good.Clone();
        BitConverter.GetBytes(ulong.MaxValue / 2).CopyTo(hugeHeader, 0);

        var cases = new (string What, byte[] File)[]
        {
            ("empty", []),
            ("truncated in the header", good[..(headerLength / 2)]),
            ("truncated in the tensors", good[..(good.Length - 1000)]),
            ("header length past the end", hugeHeader),
            ("header JSON broken", headerGarbage),
            ("NaN weight", nan),
            ("tensor of the wrong shape", wrongShape),
            ("tensor missing", missingTensor),
            ("invalid architecture", badConfig),
            ("not a VaeWorkbench model", notAModel),
            ("config far larger than the file", hugeConfig),
            ("random bytes", Enumerable.Range(0, 5000).Select(i => (byte)(i * 37)).ToArray()),
        };
        var before = await StoredCountsAsync();
        foreach (var (what, file) in cases)
        {
            var problem = await ApiClient.AssertProblemAsync(await ImportAsync(Unique("bad"), file), HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("detail").GetString()!.StartsWith("This is not a valid .vae model file", StringComparison.Ordinal), $"{what}: {problem}");
        }
        Assert.Equal(before, await StoredCountsAsync());
    }

    [Fact]
    public async Task Downloads_are_inference_files_unless_the_training_state_is_asked_for()
    {
        var name = Unique("light");
        await RegisterAsync(name);
        foreach (var url in new[] { $"/api/registry/{name}/versions/1/download", $"/api/models/{fixture.ModelId}/file" })
        {
            var light = await Owner.Client.GetByteArrayAsync(url);
            var full = await Owner.Client.GetByteArrayAsync(url + "?includeTrainingState=true");
            Assert.Equal(light, await Owner.Client.GetByteArrayAsync(url + "?includeTrainingState=false"));

            // The default: weights, config and history; no optimizer tensors or trainer state.
            var (lightTensors, lightMetadata) = SafeTensors.Read(light);
            Assert.DoesNotContain(lightTensors.Keys, n => n.StartsWith("optimizer.", StringComparison.Ordinal));
            Assert.Equal("inference", lightMetadata["contents"]);
            Assert.False(lightMetadata.ContainsKey("optimizer"));
            var inference = ModelFile.Load(light);
            Assert.Equal(ModelFileContents.Inference, inference.Contents);
            Assert.NotEmpty(inference.History);
            Assert.Contains("without the optimizer state", Assert.Throws<InvalidOperationException>(() => inference.Resume()).Message);

            // With the training state: the stored checkpoint, byte for byte, and it resumes.
            var training = ModelFile.Load(full);
            Assert.Equal(ModelFileContents.Training, training.Contents);
            Assert.True(training.CanResume);
            Assert.Equal(3 * training.Model.Parameters.Count, SafeTensors.Read(full).Tensors.Count);
            Assert.Equal(light, ModelFile.WithoutTrainingState(full));
            for (var i = 0; i < training.Model.Parameters.Count; i++) Assert.Equal(training.Model.Parameters[i].Value, inference.Model.Parameters[i].Value);
            Assert.True(light.Length * 2 < full.Length, $"{url}: inference {light.Length} bytes against {full.Length} with the training state");
        }

        // Both variants import (the full one is an older-style file with its state); a bad flag is a 400.
        var fullFile = await Owner.Client.GetByteArrayAsync($"/api/registry/{name}/versions/1/download?includeTrainingState=true");
        await ApiClient.EnsureStatusAsync(await ImportAsync(Unique("full"), fullFile), HttpStatusCode.Created);
        await ApiClient.AssertProblemAsync(await Owner.Client.GetAsync($"/api/registry/{name}/versions/1/download?includeTrainingState=maybe"), HttpStatusCode.BadRequest);

        // The audit log says which variant went out.
        var downloads = (await Owner.GetJsonAsync($"/api/teams/{fixture.TeamId}/audit?action=registry.downloaded")).EnumerateArray().ToList();
        Assert.Contains(downloads, d => d.GetProperty("details").GetProperty("includeTrainingState").GetBoolean());
        Assert.Contains(downloads, d => !d.GetProperty("details").GetProperty("includeTrainingState").GetBoolean());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_independent_python_reader_sees_the_same_tensors(bool includeTrainingState)
    {
        var name = Unique("python");
        await RegisterAsync(name);
        var bytes = await Owner.Client.GetByteArrayAsync($"/api/registry/{name}/versions/1/download?includeTrainingState={(includeTrainingState ? "true" : "false")}");
        var model = ModelFile.Load(bytes).Model;
        var directory = Directory.CreateTempSubdirectory("vwb-python-");
        try
        {
            var modelPath = Path.Combine(directory.FullName, "model.vae");
            var expectedPath = Path.Combine(directory.FullName, "expected.json");
            await File.WriteAllBytesAsync(modelPath, bytes);
            await File.WriteAllTextAsync(expectedPath, JsonSerializer.Serialize(new
            {
                tensors = model.Parameters.ToDictionary(p => p.Name, p => new { shape = p.Shape, values = p.Value }),
            }));
            var script = Path.Combine(Repository.Root(), "tests", "read_vae.py");
            var start = new ProcessStartInfo("/usr/bin/python3", [script, modelPath, expectedPath]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var python = Process.Start(start)!;
            var output = await python.StandardOutput.ReadToEndAsync() + await python.StandardError.ReadToEndAsync();
            await python.WaitForExitAsync();
            Assert.True(python.ExitCode == 0, output);
            Assert.Equal($"ok {model.Parameters.Count} tensors", output.Trim());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_version_copies_and_moves_to_another_team_only_with_editor_in_both()
    {
        var name = Unique("share");
        await RegisterAsync(name);
        var created = await Owner.Client.PostAsJsonAsync("/api/teams", new { name = "second team" });
        var target = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var copy = await Owner.Client.PostAsJsonAsync($"/api/registry/{name}/versions/1/copy", new { targetTeamId = target });
        await ApiClient.EnsureStatusAsync(copy, HttpStatusCode.Created);
        Assert.Single((await Owner.GetJsonAsync($"/api/registry/{name}?teamId={target}")).GetProperty("versions").EnumerateArray());
        var sourceFile = await Owner.Client.GetByteArrayAsync($"/api/registry/{name}/versions/1/download");
        Assert.Equal(sourceFile, await Owner.Client.GetByteArrayAsync($"/api/registry/{name}/versions/1/download?teamId={target}"));

        var move = await Owner.Client.PostAsJsonAsync($"/api/registry/{name}/versions/1/copy", new { targetTeamId = target, move = true });
        await ApiClient.EnsureStatusAsync(move, HttpStatusCode.Created);
        Assert.Equal(2, (await move.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        Assert.Empty((await Owner.GetJsonAsync($"/api/registry/{name}")).GetProperty("versions").EnumerateArray());

        // An Editor of the source who is only a Viewer of the target may not copy there.
        var editor = await TrainedRun.JoinAsAsync(fixture.Factory, Owner, fixture.TeamId, "Editor");
        var invite = await Owner.Client.PostAsJsonAsync($"/api/teams/{target}/invites", new { role = "Viewer" });
        var code = (await invite.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
        await ApiClient.EnsureStatusAsync(await editor.Client.PostAsJsonAsync("/api/teams/join", new { code }), HttpStatusCode.OK);
        var other = Unique("editor-copy");
        await RegisterAsync(other);
        await ApiClient.AssertProblemAsync(await editor.Client.PostAsJsonAsync($"/api/registry/{other}/versions/1/copy?teamId={fixture.TeamId}", new { targetTeamId = target }), HttpStatusCode.Forbidden);
        // A team the caller is not in is not found.
        var stranger = await fixture.Factory.RegisterWithTokenAsync();
        var strangerTeam = await stranger.PersonalTeamIdAsync();
        await ApiClient.AssertProblemAsync(await Owner.Client.PostAsJsonAsync($"/api/registry/{other}/versions/1/copy", new { targetTeamId = strangerTeam }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_audit_log_records_registry_actions_filters_and_exports_csv()
    {
        var name = Unique("audited");
        await RegisterAsync(name);
        await SetAliasAsync(name, "production", 1);
        await Owner.Client.GetByteArrayAsync($"/api/registry/{name}/versions/1/download");
        await Owner.Client.GetByteArrayAsync($"/api/models/{fixture.ModelId}/file");
        var viewer = await TrainedRun.JoinAsAsync(fixture.Factory, Owner, fixture.TeamId, "Viewer");

        var all = (await viewer.GetJsonAsync($"/api/teams/{fixture.TeamId}/audit")).EnumerateArray().ToList();
        var actions = all.Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("run.started", actions);
        Assert.Contains("member.invited", actions);
        Assert.Contains("member.joined", actions);
        Assert.Contains("model.downloaded", actions);
        var mine = all.Where(e => e.GetProperty("details").TryGetProperty("name", out var n) && n.GetString() == name)
            .Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["registry.downloaded", "registry.alias_set", "registry.registered"], mine);
        Assert.All(all.Where(e => e.GetProperty("action").GetString() == "registry.registered"), e => Assert.Equal(Owner.Email, e.GetProperty("userEmail").GetString()));

        var filtered = await viewer.GetJsonAsync($"/api/teams/{fixture.TeamId}/audit?action=registry.alias_set");
        Assert.All(filtered.EnumerateArray(), e => Assert.Equal("registry.alias_set", e.GetProperty("action").GetString()));
        Assert.NotEmpty(filtered.EnumerateArray());

        var csv = await viewer.Client.GetAsync($"/api/teams/{fixture.TeamId}/audit?format=csv&action=registry.registered");
        await ApiClient.EnsureStatusAsync(csv, HttpStatusCode.OK);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("at,user_email,user_id,action,object_type,object_id,details", lines[0]);
        Assert.Contains(lines, l => l.Contains(name, StringComparison.Ordinal) && l.Contains(",registry.registered,ModelVersion,", StringComparison.Ordinal));

        var stranger = await fixture.Factory.RegisterWithTokenAsync();
        await ApiClient.AssertProblemAsync(await stranger.Client.GetAsync($"/api/teams/{fixture.TeamId}/audit"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await viewer.Client.GetAsync($"/api/teams/{fixture.TeamId}/audit?format=xml"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_name_all_succeed_with_distinct_numbers()
    {
        var name = Unique("race");
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            Owner.Client.PostAsJsonAsync("/api/registry", new { runId = fixture.RunId, name })));
        foreach (var response in responses) await ApiClient.EnsureStatusAsync(response, HttpStatusCode.Created);
        var numbers = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32()));
        Assert.Equal([1, 2, 3, 4, 5, 6], numbers.Order());
        var model = Assert.Single((await Owner.GetJsonAsync($"/api/registry?q={name}")).EnumerateArray());
        Assert.Equal(6, model.GetProperty("versionCount").GetInt32());
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM", "'@SUM")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    public void Csv_cells_are_quoted_and_formulas_defused(string value, string cell) =>
        Assert.Equal(cell, Audit.AuditCsv.Cell(value));

    [Fact]
    public void The_engines_parameter_estimate_is_within_a_factor_of_two_of_the_real_count_for_the_presets()
    {
        // ModelImportValidator relies on this to refuse a config far larger than its file before allocating the model.
        foreach (var config in new[] { Engine.Model.VaeConfig.MlpPreset(), Engine.Model.VaeConfig.ConvPreset(), Engine.Model.VaeConfig.ConvPreset(3, 64) })
        {
            var real = new Engine.Model.Vae(config, seed: 1).ParameterCount;
            // Never above twice the real count (a valid file is never refused); near it (the check has teeth).
            Assert.InRange(config.EstimateParameterCount(), real / 2, 2 * real);
        }
    }

    [Fact]
    public async Task A_config_far_larger_than_its_file_is_refused_before_the_model_is_built()
    {
        var good = await Owner.Client.GetByteArrayAsync($"/api/models/{fixture.ModelId}/file");
        var huge = Rewrite(ModelFile.Load(good), metadata: m => m["config"] = "{\"architecture\":\"mlp\",\"latent\":20,\"hidden\":[90000]}");
        var problem = await ApiClient.AssertProblemAsync(await ImportAsync(Unique("huge"), huge), HttpStatusCode.BadRequest);
        Assert.Contains("parameters, but the file has only", problem.GetProperty("detail").GetString());
    }

    private async Task<int> RegisterAsync(string name, string[]? tags = null, string? description = null)
    {
        var response = await Owner.Client.PostAsJsonAsync("/api/registry", new { runId = fixture.RunId, name, tags, description });
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(name, body.GetProperty("name").GetString());
        return body.GetProperty("version").GetInt32();
    }

    private async Task SetAliasAsync(string name, string alias, int version) =>
        await ApiClient.EnsureStatusAsync(await Owner.Client.PutAsJsonAsync($"/api/registry/{name}/aliases/{alias}", new { version }), HttpStatusCode.NoContent);

    private Task<HttpResponseMessage> ImportAsync(string name, byte[] file)
    {
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return Owner.Client.PostAsync("/api/registry/import", new MultipartFormDataContent { { new StringContent(name), "name" }, { content, "file", "model.vae" } });
    }

    private async Task<(int Models, int Versions, int Audit, int Blobs)> StoredCountsAsync()
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var blobs = Directory.EnumerateFiles(Path.Combine(fixture.Factory.DataDirectory, "blobs"), "*", SearchOption.AllDirectories).Count();
        return (await db.RegisteredModels.CountAsync(), await db.ModelVersions.CountAsync(), await db.AuditEntries.CountAsync(), blobs);
    }

    private async Task<Guid> InsertRunAsync(Data.Entities.RunStatus status)
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var run = new Data.Entities.TrainingRun
        {
            Id = Guid.NewGuid(), TeamId = fixture.TeamId, DatasetId = fixture.DatasetId, SettingsJson = "{}", Status = status, Epochs = 1,
            CreatedByUserId = await db.TeamMembers.Where(m => m.TeamId == fixture.TeamId).Select(m => m.UserId).FirstAsync(), CreatedAt = DateTimeOffset.UtcNow,
        };
        db.TrainingRuns.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }

    /// <summary>Writes the loaded model again with edited tensors or metadata (the weights only, like a registry export).</summary>
    private static byte[] Rewrite(LoadedModel loaded, Action<List<NamedTensor>>? tensors = null, Action<Dictionary<string, string>>? metadata = null)
    {
        var list = loaded.Model.Parameters.Select(p => new NamedTensor(p.Name, p.Shape, p.Value)).ToList();
        var meta = new Dictionary<string, string>(loaded.Metadata);
        foreach (var key in new[] { "training", "history", "optimizer", "trainer" }) meta.Remove(key);
        tensors?.Invoke(list);
        metadata?.Invoke(meta);
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, list, meta);
        return stream.ToArray();
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
}
