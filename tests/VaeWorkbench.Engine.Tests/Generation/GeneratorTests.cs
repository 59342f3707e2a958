using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Generation;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Engine.Tests.Generation;

public class GeneratorTests
{
    // Three classes of 3x4 images: class c lights up row c (near 1) and leaves the rest dark, with a little noise.
    private static readonly ImageDataset Striped = StripedImages(90, 7);
    private static readonly Lazy<Vae> Model = new(() =>
    {
        var trainer = new Trainer(new Vae(TestData.TinyMlp() with { Hidden = [32] }, 1), new TrainingOptions { Epochs = 100, BatchSize = 10, LearningRate = 1e-2f });
        trainer.Run(Striped, null);
        return trainer.Model;
    });

    private static ImageDataset StripedImages(int count, ulong seed)
    {
        var rng = new Rng(seed);
        var pixels = new float[count * 12];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = i % 3;
            for (var p = 0; p < 12; p++) pixels[i * 12 + p] = (p / 4 == labels[i] ? 0.9f : 0.05f) + 0.05f * rng.NextFloat();
        }
        return new ImageDataset(pixels, count, 1, 3, 4, labels);
    }

    private static (float[] Pixels, int[] Labels, int Generated) Run(GenerationRequest request, GenerationFilter? filter = null)
    {
        var chunks = Generator.Generate(Model.Value, Striped, request, filter).ToList();
        return (chunks.SelectMany(c => c.Pixels).ToArray(), chunks.SelectMany(c => c.Labels).ToArray(), chunks.Sum(c => c.Generated));
    }

    [Theory]
    [InlineData(GenerationMode.Prior)]
    [InlineData(GenerationMode.Variations)]
    [InlineData(GenerationMode.PerClass)]
    [InlineData(GenerationMode.Interpolate)]
    public void TheSameSeedGivesTheSameSamplesAndAnotherSeedDoesNot(GenerationMode mode)
    {
        // More than one chunk, so chunking must not disturb the sequence.
        var request = new GenerationRequest { Mode = mode, Count = Generator.ChunkSize + 37, Seed = 42, ImageIndices = mode == GenerationMode.Variations ? [0, 4, 8] : null };
        var first = Run(request);
        var again = Run(request);
        Assert.Equal(Generator.ChunkSize + 37, first.Generated);
        Assert.Equal(first.Pixels, again.Pixels);
        Assert.Equal(first.Labels, again.Labels);
        Assert.NotEqual(first.Pixels, Run(request with { Seed = 43 }).Pixels);
    }

    [Fact]
    public void PerClassSamplesAreLabelledRoundRobinWithTheRequestedClassesAndLookLikeThem()
    {
        var (pixels, labels, _) = Run(new GenerationRequest { Mode = GenerationMode.PerClass, Count = 60, Seed = 3, Temperature = 0.5f, Classes = [2, 0] });
        Assert.Equal(Enumerable.Range(0, 60).Select(i => i % 2 == 0 ? 0 : 2), labels);
        // The model learned the stripes, so a sample labelled c is brightest in row c.
        var agree = 0;
        for (var i = 0; i < 60; i++)
        {
            var rowSums = Enumerable.Range(0, 3).Select(r => pixels.AsSpan(i * 12 + r * 4, 4).ToArray().Sum()).ToArray();
            if (Array.IndexOf(rowSums, rowSums.Max()) == labels[i]) agree++;
        }
        Assert.True(agree >= 54, $"only {agree}/60 per-class samples look like their class");
    }

    [Fact]
    public void InterpolationsAndVariationsCarryTheirSourcesLabelsAndPriorSamplesHaveNone()
    {
        Assert.Equal(Enumerable.Range(0, 9).Select(i => i % 3), Run(new GenerationRequest { Mode = GenerationMode.Interpolate, Count = 9 }).Labels);
        // Variations cycle through the chosen images: 4 is class 1, 8 is class 2.
        Assert.Equal([1, 2, 1, 2, 1], Run(new GenerationRequest { Mode = GenerationMode.Variations, Count = 5, ImageIndices = [4, 8] }).Labels);
        Assert.All(Run(new GenerationRequest { Count = 5 }).Labels, l => Assert.Equal(-1, l));
    }

    [Fact]
    public void VariationsWithZeroSpreadDecodeTheSourcesMeanCode()
    {
        var (pixels, _, _) = Run(new GenerationRequest { Mode = GenerationMode.Variations, Count = 2, Spread = 0f, ImageIndices = [5] });
        var reconstruction = Model.Value.Reconstruct(Striped.Image(5), 1);
        Assert.Equal(reconstruction, pixels[..12]);
        Assert.Equal(reconstruction, pixels[12..]);
    }

    [Fact]
    public void TheDiagonalGaussianFitIsTheMeanAndPopulationStandardDeviation()
    {
        float[] means = [1, 10, 3, 10, 100, 100, 5, 16];
        var (mean, std) = LatentSampler.FitDiagonalGaussian(means, 2, [0, 1, 3]);
        Assert.Equal([3f, 12f], mean);
        Assert.Equal(Math.Sqrt(8.0 / 3), std[0], 5);
        Assert.Equal(Math.Sqrt(24.0 / 3), std[1], 5);
    }

    [Theory]
    [InlineData(DuplicateSpace.Pixel, 0.05f)]
    [InlineData(DuplicateSpace.Latent, 0.01f)]
    public void TheDuplicateFilterDropsPlantedCopiesOfTrainingImagesAndKeepsOthers(DuplicateSpace space, float distance)
    {
        var filter = new QualityFilter(Model.Value, Striped, new GenerationFilter { MinDuplicateDistance = distance, DuplicateSpace = space }, 1);
        // Ten exact copies of training images, then ten images that are far from every training image (inverted stripes).
        var planted = new float[20 * 12];
        for (var i = 0; i < 10; i++) Striped.Image(i * 7).CopyTo(planted.AsSpan(i * 12));
        for (var i = 10; i < 20; i++)
            for (var p = 0; p < 12; p++) planted[i * 12 + p] = 1f - Striped.Image(i)[p];
        var keep = new bool[20];
        var scores = new double[20];
        filter.Judge(Model.Value, planted, 20, 0, keep, scores);
        Assert.Equal(Enumerable.Repeat(false, 10).Concat(Enumerable.Repeat(true, 10)), keep);
        Assert.All(scores, s => Assert.True(double.IsNaN(s)));
    }

    [Fact]
    public void TheGemmNearestDistanceMatchesTheNaiveOne()
    {
        var filter = new QualityFilter(Model.Value, Striped, new GenerationFilter { MinDuplicateDistance = 0.1f }, 1);
        var queries = TestData.RandomImages(5, 1, 3, 4, 99).Pixels;
        var fast = filter.NearestSquaredDistances(queries, 5);
        for (var i = 0; i < 5; i++) Assert.Equal(filter.NearestSquaredDistanceReference(queries.AsSpan(i * 12, 12)), fast[i], 4);
    }

    [Fact]
    public void TheElboFilterDropsImplausibleSamplesAndKeepsTypicalOnes()
    {
        var filter = new QualityFilter(Model.Value, Striped, new GenerationFilter { MaxElboPercentile = 99 }, 1);
        Assert.NotNull(filter.ElboThreshold);
        var fresh = StripedImages(30, 1234); // typical: same distribution, unseen
        var planted = new float[40 * 12];
        fresh.Pixels.CopyTo(planted, 0);
        for (var i = 30; i < 40; i++)
            for (var p = 0; p < 12; p++) planted[i * 12 + p] = 1f - fresh.Image(i - 30)[p];
        var keep = new bool[40];
        var scores = new double[40];
        filter.Judge(Model.Value, planted, 40, 0, keep, scores);
        for (var i = 0; i < 40; i++) Assert.Equal(scores[i] <= filter.ElboThreshold, keep[i]);
        Assert.True(keep[..30].Count(k => k) >= 25, $"only {keep[..30].Count(k => k)}/30 typical images kept");
        Assert.All(keep[30..], Assert.False);
    }

    [Fact]
    public void TheFilterInsideGenerationCountsWhatItDrops()
    {
        var request = new GenerationRequest { Mode = GenerationMode.Variations, Count = 30, Spread = 0f, ImageIndices = [3] };
        // Zero spread decodes the reconstruction of image 3 thirty times: all within a large distance of image 3.
        var chunks = Generator.Generate(Model.Value, Striped, request, new GenerationFilter { MinDuplicateDistance = 10f }).ToList();
        Assert.Equal(30, chunks.Sum(c => c.Generated));
        Assert.Equal(0, chunks.Sum(c => c.Kept));
        var unfiltered = Generator.Generate(Model.Value, Striped, request, new GenerationFilter { MinDuplicateDistance = 0f }).ToList();
        Assert.Equal(30, unfiltered.Sum(c => c.Kept));
    }

    [Fact]
    public void BadRequestsAreRefusedWithClearMessages()
    {
        var vae = Model.Value;
        Assert.Contains("count", Assert.Throws<ArgumentException>(() => Generator.Generate(vae, null, new GenerationRequest { Count = 0 })).Message);
        Assert.Contains("temperature", Assert.Throws<ArgumentException>(() => Generator.Generate(vae, null, new GenerationRequest { Temperature = 3f })).Message);
        Assert.Contains("source dataset", Assert.Throws<ArgumentException>(() => Generator.Generate(vae, null, new GenerationRequest { Mode = GenerationMode.PerClass })).Message);
        Assert.Contains("class 7", Assert.Throws<ArgumentException>(() => Generator.Generate(vae, Striped, new GenerationRequest { Mode = GenerationMode.PerClass, Classes = [7] })).Message);
        Assert.Contains("image index", Assert.Throws<ArgumentException>(() => Generator.Generate(vae, Striped, new GenerationRequest { Mode = GenerationMode.Variations, ImageIndices = [900] })).Message);
        Assert.Contains("percentile", Assert.Throws<ArgumentException>(() => Generator.Generate(vae, Striped, new GenerationRequest(), new GenerationFilter { MaxElboPercentile = 0 })).Message);
    }

    [Theory]
    [InlineData(GenerationMode.PerClass, false)]
    [InlineData(GenerationMode.Interpolate, true)]
    public void Plans_decoded_on_replicas_by_two_threads_give_the_chunks_of_the_sequential_run(GenerationMode mode, bool filtered)
    {
        var request = new GenerationRequest { Mode = mode, Count = 2 * Generator.ChunkSize + 300, Seed = 12 };
        var filter = filtered ? new GenerationFilter { MaxElboPercentile = 90, MinDuplicateDistance = 0.05f } : null;
        var sequential = Generator.Generate(Model.Value, Striped, request, filter).ToList();

        var run = Generator.Prepare(Model.Value, Striped, request, filter);
        var replicas = new[] { Model.Value.Replicate(), Model.Value.Replicate() };
        var parallel = new List<GeneratedChunk>();
        OrderedParallel.Run(run.Plans, workers: 2, lookahead: 4, (w, plan) => run.Decode(plan, replicas[w]), parallel.Add);

        Assert.Equal(sequential.Count, parallel.Count);
        for (var k = 0; k < sequential.Count; k++)
        {
            Assert.Equal(sequential[k].Pixels, parallel[k].Pixels);
            Assert.Equal(sequential[k].Indices, parallel[k].Indices);
            Assert.Equal(sequential[k].Labels, parallel[k].Labels);
            Assert.Equal(sequential[k].Scores, parallel[k].Scores);
        }
        if (filtered) Assert.True(sequential.Sum(c => c.Kept) < request.Count, "the filter dropped some samples");
    }

    [Fact]
    public void A_replica_decodes_like_its_model_and_does_not_share_its_weights()
    {
        var model = new Vae(TestData.TinyMlp(), 5);
        var replica = model.Replicate();
        var z = new float[4 * model.Latent];
        new Rng(2).FillGaussian(z);
        Assert.Equal(model.Decode(z, 4), replica.Decode(z, 4));
        replica.Parameters[0].Value[0] += 1f;
        replica.Parameters[0].MarkChanged();
        Assert.NotEqual(model.Parameters[0].Value[0], replica.Parameters[0].Value[0]);
    }
}
