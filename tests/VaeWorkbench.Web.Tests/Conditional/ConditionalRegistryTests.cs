using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Web.Registry;
using VaeWorkbench.Web.Tests.Infrastructure;
using static VaeWorkbench.Web.Tests.Conditional.ConditionalModelFixture;

namespace VaeWorkbench.Web.Tests.Conditional;

/// <summary>A conditional model in the registry: registered with grids at its classes, downloaded as .vae and ONNX, and imported back.</summary>
[Collection(ConditionalModelCollection.Name)]
public sealed class ConditionalRegistryTests(ConditionalModelFixture fixture)
{
    [Fact]
    public async Task A_conditional_model_registers_downloads_as_vae_and_onnx_and_imports_back()
    {
        var name = $"classes-{Guid.NewGuid().ToString("N")[..8]}";
        await ApiClient.EnsureStatusAsync(await fixture.Owner.Client.PostAsJsonAsync("/api/registry", new { runId = fixture.RunId, name }), HttpStatusCode.Created);
        // The card's grids: samples at the classes in turn, reconstructions at each image's class.
        Assert.Equal(PngBytes(RegistryGrids.Samples(fixture.Model)), PngBytes(await fixture.Owner.Client.GetByteArrayAsync($"/api/registry/{name}/versions/1/samples.png")));
        Assert.Equal(PngBytes(RegistryGrids.Reconstructions(fixture.Model, fixture.Data)),
            PngBytes(await fixture.Owner.Client.GetByteArrayAsync($"/api/registry/{name}/versions/1/reconstructions.png")));

        var vae = await fixture.Owner.Client.GetByteArrayAsync($"/api/registry/{name}/versions/1/download");
        Assert.Equal(10, ModelFile.Load(vae).Model.ClassCount);

        var onnx = await fixture.Owner.Client.GetAsync($"/api/registry/{name}/versions/1/download?format=onnx");
        await ApiClient.EnsureStatusAsync(onnx, HttpStatusCode.OK);
        using var zip = new ZipArchive(new MemoryStream(await onnx.Content.ReadAsByteArrayAsync()));
        Assert.Equal(["README.txt", "decoder.onnx", "encoder.onnx"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        using var readme = new StreamReader(zip.GetEntry("README.txt")!.Open(), Encoding.UTF8);
        Assert.Contains("This model is conditional on 10 classes: both graphs take the class of each image as a second input.", await readme.ReadToEndAsync());

        // The downloaded file imports as a version of its own: checked at its first class, with a sample grid at its classes.
        var content = new ByteArrayContent(vae);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var imported = $"{name}-copy";
        var import = await fixture.Owner.Client.PostAsync("/api/registry/import", new MultipartFormDataContent { { new StringContent(imported), "name" }, { content, "file", "model.vae" } });
        await ApiClient.EnsureStatusAsync(import, HttpStatusCode.Created);
        Assert.Equal(PngBytes(RegistryGrids.Samples(fixture.Model)), PngBytes(await fixture.Owner.Client.GetByteArrayAsync($"/api/registry/{imported}/versions/1/samples.png")));
    }
}
