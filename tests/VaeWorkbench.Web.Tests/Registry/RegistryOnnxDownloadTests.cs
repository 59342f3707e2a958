using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Onnx;
using VaeWorkbench.Tests.Shared;
using VaeWorkbench.Web.Tests.Infrastructure;

namespace VaeWorkbench.Web.Tests.Registry;

/// <summary>
/// <c>GET /api/registry/{name}/versions/{version}/download?format=onnx</c>: a ZIP of the exporter's two files and its
/// README, with the same access rule (another team's model is 404) and audit entry as the .vae download.
/// </summary>
public sealed class RegistryOnnxDownloadTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private ApiUser Owner => fixture.Owner;

    [Fact]
    public async Task The_onnx_download_is_a_zip_of_encoder_decoder_and_readme()
    {
        var name = await RegisterAsync("onnx");
        var response = await Owner.Client.GetAsync($"/api/registry/{name}/versions/1/download?format=onnx");
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{name}-v1-onnx.zip", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());

        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        Assert.Equal(["README.txt", "decoder.onnx", "encoder.onnx"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));

        // The files are the exporter's output for this version's weights (whose ONNX Runtime parity VaeWorkbench.Onnx.Tests checks).
        var vae = await Owner.Client.GetByteArrayAsync($"/api/registry/{name}/versions/1/download");
        var loaded = ModelFile.Load(vae);
        var expected = VaeOnnxExporter.Export(loaded, $"{name} version 1");
        Assert.Equal(expected.Encoder, Read(zip, "encoder.onnx"));
        Assert.Equal(expected.Decoder, Read(zip, "decoder.onnx"));
        var readme = Encoding.UTF8.GetString(Read(zip, "README.txt"));
        Assert.Equal(expected.Readme, readme);
        var c = loaded.Model.Config;
        Assert.Contains($"image         float32 (batch, {c.Channels}, {c.Height}, {c.Width}), NCHW", readme);
        Assert.Contains($"mean          float32 (batch, {c.Latent})", readme);
        Assert.Contains($"pixels        float32 (batch, {c.Channels}, {c.Height}, {c.Width})", readme);
        Assert.Contains("values in [0, 1]", readme);

        // Audited as a download, saying which format went out.
        var downloads = (await Owner.GetJsonAsync($"/api/teams/{fixture.TeamId}/audit?action=registry.downloaded")).EnumerateArray()
            .Where(d => d.GetProperty("details").GetProperty("name").GetString() == name).ToList();
        Assert.Equal(["vae", "onnx"], downloads.Select(d => d.GetProperty("details").GetProperty("format").GetString()).Order(StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public async Task Another_teams_model_is_not_found_and_nothing_is_audited()
    {
        var name = await RegisterAsync("private");
        var stranger = await fixture.Factory.RegisterWithTokenAsync();
        await ApiClient.AssertProblemAsync(await stranger.Client.GetAsync($"/api/registry/{name}/versions/1/download?format=onnx&teamId={fixture.TeamId}"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await stranger.Client.GetAsync($"/api/registry/{name}/versions/1/download?format=onnx"), HttpStatusCode.NotFound);
        await ApiClient.AssertProblemAsync(await Owner.Client.GetAsync($"/api/registry/{name}/versions/7/download?format=onnx"), HttpStatusCode.NotFound);
        var downloads = (await Owner.GetJsonAsync($"/api/teams/{fixture.TeamId}/audit?action=registry.downloaded")).EnumerateArray();
        Assert.DoesNotContain(downloads, d => d.GetProperty("details").GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task A_bad_format_or_a_training_state_with_onnx_is_a_400_naming_the_field()
    {
        var name = await RegisterAsync("fields");
        var format = await ApiClient.AssertProblemAsync(await Owner.Client.GetAsync($"/api/registry/{name}/versions/1/download?format=tflite"), HttpStatusCode.BadRequest);
        Assert.Contains("'tflite'", format.GetProperty("errors").GetProperty("format")[0].GetString());
        var state = await ApiClient.AssertProblemAsync(await Owner.Client.GetAsync($"/api/registry/{name}/versions/1/download?format=onnx&includeTrainingState=true"), HttpStatusCode.BadRequest);
        Assert.Contains(".vae format only", state.GetProperty("errors").GetProperty("includeTrainingState")[0].GetString());
    }

    [Fact]
    public async Task A_version_the_export_cannot_represent_is_a_400_naming_the_option()
    {
        // A file from a version that knows an option this one does not (it imports: loading ignores unknown config keys).
        var vae = await Owner.Client.GetByteArrayAsync($"/api/registry/{await RegisterAsync("source")}/versions/1/download");
        var name = $"future-{Guid.NewGuid().ToString("N")[..8]}";
        var content = new ByteArrayContent(ModelFileConfigEdit.WithEntry(vae, "class_embedding", "16"));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var import = await Owner.Client.PostAsync("/api/registry/import", new MultipartFormDataContent { { new StringContent(name), "name" }, { content, "file", "model.vae" } });
        await ApiClient.EnsureStatusAsync(import, HttpStatusCode.Created);

        var problem = await ApiClient.AssertProblemAsync(await Owner.Client.GetAsync($"/api/registry/{name}/versions/1/download?format=onnx"), HttpStatusCode.BadRequest);
        var message = problem.GetProperty("errors").GetProperty("format")[0].GetString()!;
        Assert.StartsWith("This version cannot be exported to ONNX: the model file's config has the option 'class_embedding'", message);
    }

    private static byte[] Read(ZipArchive zip, string entry)
    {
        using var stream = zip.GetEntry(entry)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private async Task<string> RegisterAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        var response = await Owner.Client.PostAsJsonAsync("/api/registry", new { runId = fixture.RunId, name });
        await ApiClient.EnsureStatusAsync(response, HttpStatusCode.Created);
        return name;
    }
}
