using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Scoring;

namespace VaeWorkbench.Engine.Tests.Scoring;

public class AnomalyScorerTests
{
    private static readonly Data.ImageDataset Images = TestData.RandomImages(30, 1, 3, 4, 9);

    [Fact]
    public void ModelScoresAreTheVaeScores()
    {
        var vae = new Vae(TestData.TinyMlp(), 1);
        var scorer = new AnomalyScorer(vae);
        Assert.Equal(vae.Score(Images.Pixels, 30, ScoreMethod.Reconstruction, 1, 4), scorer.Score(Images.Pixels, 30, AnomalyMethod.Recon, 7, 4));
        Assert.Equal(vae.Score(Images.Pixels, 30, ScoreMethod.Elbo, 5, 4), scorer.Score(Images.Pixels, 30, AnomalyMethod.Elbo, 5, 4));
        Assert.Equal(vae.Score(Images.Pixels, 30, ScoreMethod.Iwae, 5, 4), scorer.Score(Images.Pixels, 30, AnomalyMethod.Iwae, 5, 4));
    }

    [Fact]
    public void LatentIsTheMahalanobisDistanceOfTheMeanCode()
    {
        var vae = new Vae(TestData.TinyMlp(), 1);
        var scorer = new AnomalyScorer(vae);
        Assert.Throws<InvalidOperationException>(() => scorer.Score(Images.Pixels, 30, AnomalyMethod.Latent, 1, 1));
        var fitted = scorer.FitLatent(Images.Pixels, 30);
        var expected = LatentGaussian.Fit(vae.Encode(Images.Pixels, 30).Mean, 30, 2).Distance(vae.Encode(Images.Pixels, 30).Mean, 30);
        Assert.Equal(expected, scorer.Score(Images.Pixels, 30, AnomalyMethod.Latent, 1, 1));
        Assert.Same(fitted, scorer.Latent);
    }

    [Fact]
    public void ComplexityIsNegativeElboMinusCompressedLength()
    {
        var vae = new Vae(TestData.TinyMlp(), 1);
        var scorer = new AnomalyScorer(vae);
        Assert.Throws<InvalidOperationException>(() => scorer.Score(Images.Pixels, 30, AnomalyMethod.Complexity, 1, 1));
        // a stand-in compressor with a known length: 10 nats per unit of pixel mass
        scorer.CompressedLength = image => 10 * image.ToArray().Sum();
        var elbo = vae.Score(Images.Pixels, 30, ScoreMethod.Elbo, 3, 2);
        var complexity = scorer.Score(Images.Pixels, 30, AnomalyMethod.Complexity, 3, 2);
        for (var i = 0; i < 30; i++) Assert.Equal(elbo[i] - 10 * Images.Image(i).ToArray().Sum(), complexity[i], 9);
    }

    [Fact]
    public void MethodNamesRoundTrip()
    {
        foreach (var method in Enum.GetValues<AnomalyMethod>())
        {
            Assert.True(AnomalyMethods.TryParse(method.Name(), out var parsed));
            Assert.Equal(method, parsed);
        }
        Assert.False(AnomalyMethods.TryParse("likelihood", out _));
        Assert.False(AnomalyMethods.TryParse(null, out _));
    }
}
