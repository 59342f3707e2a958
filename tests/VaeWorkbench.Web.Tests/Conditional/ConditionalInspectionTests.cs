using VaeWorkbench.Engine.Model;
using VaeWorkbench.Web.Inspection;
using VaeWorkbench.Web.Registry;
using static VaeWorkbench.Web.Tests.Conditional.ConditionalModelFixture;

namespace VaeWorkbench.Web.Tests.Conditional;

/// <summary>
/// The model page's views of a conditional model: each runs at the images' own classes (or, for interpolations and
/// traversals, at the first image's class), gives the same pixels as the model file run here at those classes (and
/// not those of another class), and says which class it used.
/// </summary>
[Collection(ConditionalModelCollection.Name)]
public sealed class ConditionalInspectionTests(ConditionalModelFixture fixture)
{
    // A byte of PNG rounding: the app's cached model may run on more threads than the copy here.
    private const int Rounding = 1;

    [Fact]
    public async Task Reconstructions_encode_and_decode_each_image_at_its_own_class()
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var view = await fixture.Service<InspectionService>(scope).ReconstructionsAsync(fixture.OwnerId, fixture.ModelId, ReconstructionPick.Random, null, 1);

        Assert.Equal("Each image is encoded and decoded at its own class.", view.Note);
        var chosen = view.Indexes.ToArray();
        var originals = Gather(chosen);
        var own = Expected(originals, fixture.Model.Reconstruct(originals, chosen.Length, [.. chosen.Select(i => fixture.ClassesOf(i).Own)]), chosen.Length);
        var other = Expected(originals, fixture.Model.Reconstruct(originals, chosen.Length, [.. chosen.Select(i => fixture.ClassesOf(i).Other)]), chosen.Length);
        Assert.InRange(MaxDifference(PngBytes(view.DataUrl), own), 0, Rounding);
        Assert.True(MaxDifference(own, other) > 8, "a reconstruction at another class should look different");
    }

    [Fact]
    public async Task Samples_show_one_column_per_class_named_in_the_note()
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var view = await fixture.Service<InspectionService>(scope).SamplesAsync(fixture.OwnerId, fixture.ModelId, 0.8f, 4, 16);

        Assert.Equal("One column per class, left to right: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9. Each sample is decoded at its column's class.", view.Note);
        // 16 asked for, rounded up to whole rows of the 10 classes: 2 rows.
        var expected = GridBytes(fixture.Model.Sample(20, 0.8f, 4, [.. Enumerable.Range(0, 20).Select(i => i % 10)]), 20, 10);
        Assert.InRange(MaxDifference(PngBytes(view.DataUrl), expected), 0, Rounding);
    }

    [Fact]
    public async Task Interpolation_runs_at_the_first_images_class_and_says_so()
    {
        var (a, b) = TwoImagesOfDifferentClasses();
        using var scope = fixture.Factory.Services.CreateScope();
        var view = await fixture.Service<InspectionService>(scope).InterpolateAsync(fixture.OwnerId, fixture.ModelId, a, b, 7, spherical: true);

        var (classA, classB) = (fixture.ClassesOf(a).Own, fixture.ClassesOf(b).Own);
        Assert.Equal($"At class {classA}, the first image's class, from end to end: only the style changes along the row. " +
            $"The second image, of class {classB}, is encoded at {classA} too.", view.Note);
        var expected = GridBytes(fixture.Model.Interpolate(fixture.Data.Image(a), fixture.Data.Image(b), 7, true, classA), 7, 7);
        Assert.InRange(MaxDifference(PngBytes(view.DataUrl), expected), 0, Rounding);
        var atB = GridBytes(fixture.Model.Interpolate(fixture.Data.Image(a), fixture.Data.Image(b), 7, true, classB), 7, 7);
        Assert.True(MaxDifference(expected, atB) > 8, "the same path at the second image's class should look different");
    }

    [Fact]
    public async Task Traversal_runs_at_the_images_class_and_says_so()
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var view = await fixture.Service<InspectionService>(scope).TraversalAsync(fixture.OwnerId, fixture.ModelId, 5);

        var label = fixture.ClassesOf(5).Own;
        Assert.Equal($"At the image's class, {label}, in every row: only its code moves.", view.Note);
        Assert.Equal(fixture.Model.Latent, view.Rows.Count);
        // The first row sweeps the most informative dimension at the image's class.
        var expected = GridBytes(fixture.Model.Traverse(fixture.Data.Image(5), view.Rows[0].Dimension, -3, 3, 9, label), 9, 9);
        var shown = PngBytes(view.DataUrl).AsSpan(0, expected.Length).ToArray();
        Assert.InRange(MaxDifference(shown, expected), 0, Rounding);
    }

    [Fact]
    public async Task Metrics_and_the_latent_map_encode_each_image_at_its_own_class()
    {
        using var scope = fixture.Factory.Services.CreateScope();
        var inspection = fixture.Service<InspectionService>(scope);
        var n = fixture.Data.Count;
        var labels = fixture.Data.Labels!;

        // On the training dataset named: all 300 images (fewer than the 1,000 evaluated at most).
        var metrics = await inspection.MetricsAsync(fixture.OwnerId, fixture.ModelId, 4, fixture.DatasetId);
        Assert.Equal(n, metrics.Images);
        var elbo = fixture.Model.Score(fixture.Data.Pixels, n, ScoreMethod.Elbo, 1, 1, labels).Average();
        Assert.Equal(elbo, metrics.NegativeElbo, 0.05);

        var map = await inspection.LatentMapAsync(fixture.OwnerId, fixture.ModelId, pca: false, colourByScore: false);
        var mean = fixture.Model.Encode(fixture.Data.Pixels, n, labels).Mean;
        var local = new LatentMapRenderer(Engine.Scoring.LatentProjection.FirstTwo(mean, n, fixture.Model.Latent));
        Assert.Equal(local.XRange.Low, map.Renderer.XRange.Low, 0.01);
        Assert.Equal(local.XRange.High, map.Renderer.XRange.High, 0.01);
        Assert.Equal(local.YRange.High, map.Renderer.YRange.High, 0.01);
    }

    [Fact]
    public void The_registry_grids_show_every_class_and_reconstruct_at_each_images_class()
    {
        var samples = PngBytes(RegistryGrids.Samples(fixture.Model));
        var expected = GridBytes(fixture.Model.Sample(RegistryGrids.SampleCount, 1f, 20261122, [.. Enumerable.Range(0, RegistryGrids.SampleCount).Select(i => i % 10)]),
            RegistryGrids.SampleCount, RegistryGrids.SampleColumns);
        Assert.Equal(expected, samples);

        var n = RegistryGrids.ReconstructionCount;
        var originals = fixture.Data.Pixels.AsSpan(0, n * 784).ToArray();
        var own = Expected(originals, fixture.Model.Reconstruct(originals, n, fixture.Data.Labels.AsSpan(0, n)), n);
        Assert.Equal(own, PngBytes(RegistryGrids.Reconstructions(fixture.Model, fixture.Data)));
    }

    private (int A, int B) TwoImagesOfDifferentClasses()
    {
        var labels = fixture.Data.Labels!;
        var b = Enumerable.Range(1, labels.Length - 1).First(i => labels[i] != labels[0]);
        return (0, b);
    }

    private float[] Gather(int[] indexes)
    {
        var pixels = new float[indexes.Length * 784];
        for (var i = 0; i < indexes.Length; i++) fixture.Data.Image(indexes[i]).CopyTo(pixels.AsSpan(i * 784));
        return pixels;
    }

    // Originals above their reconstructions, as the page composes them.
    private static byte[] Expected(float[] originals, float[] reconstructions, int n) => GridBytes([.. originals, .. reconstructions], 2 * n, n);
}
