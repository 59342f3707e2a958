using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Optim;

namespace VaeWorkbench.Engine.Tests.Training;

public class AdamTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TenStepsOnABatchLowerTheLoss(bool adamW)
    {
        var vae = new Vae(TestData.TinyMlp(), seed: 1);
        var data = TestData.RandomImages(8, 1, 3, 4, 2);
        var adam = new Adam(vae.Parameters, new AdamOptions { Decoupled = adamW, WeightDecay = adamW ? 0.01f : 0f });
        double LossNow() => vae.TrainBatch(data.Pixels, data.Pixels, 8, new Rng(5), 1f).Total;
        var before = LossNow();
        for (var i = 0; i < 10; i++)
        {
            vae.TrainBatch(data.Pixels, data.Pixels, 8, new Rng(5), 1f);
            adam.Update(0.01f);
        }
        var after = LossNow();
        Assert.True(after < before * 0.98, $"loss went from {before} to {after}");
        Assert.Equal(10, adam.Step);
    }

    [Fact]
    public void FirstStepMovesEachWeightByTheLearningRateAgainstItsGradient()
    {
        // With bias correction, step 1 is lr·g/(|g| + ε'): a move of almost exactly lr, whatever the gradient's scale.
        var p = new Parameter("p", 3);
        p.Value[0] = 1f; p.Value[1] = 1f; p.Value[2] = 1f;
        p.Grad[0] = 1e-3f; p.Grad[1] = -50f; p.Grad[2] = 0f;
        new Adam([p], new AdamOptions()).Update(0.1f);
        Assert.Equal(0.9f, p.Value[0], 4);
        Assert.Equal(1.1f, p.Value[1], 4);
        Assert.Equal(1f, p.Value[2]);
    }

    [Fact]
    public void AdamWDecaysWeightsIndependentlyOfTheGradient()
    {
        var p = new Parameter("p", 1);
        p.Value[0] = 2f;
        new Adam([p], new AdamOptions { Decoupled = true, WeightDecay = 0.5f }).Update(0.1f);
        Assert.Equal(2f * (1 - 0.1f * 0.5f), p.Value[0], 5); // zero gradient: only the decay acts
    }

    [Fact]
    public void ClippingScalesTheGlobalNorm()
    {
        var a = new Parameter("a", 2);
        var b = new Parameter("b", 1);
        a.Grad[0] = 3f; a.Grad[1] = 0f; b.Grad[0] = 4f; // norm 5
        var adam = new Adam([a, b], new AdamOptions());
        Assert.Equal(5.0, adam.ClipGradientNorm(1f), 5);
        Assert.Equal(0.6f, a.Grad[0], 4);
        Assert.Equal(0.8f, b.Grad[0], 4);
        Assert.Equal(1.0, adam.ClipGradientNorm(10f), 4); // under the limit: untouched
    }

    [Fact]
    public void CosineScheduleFallsFromBaseToZero()
    {
        Assert.Equal(1f, LearningRates.At(LearningRateSchedule.Cosine, 1f, 0, 100));
        Assert.Equal(0.5f, LearningRates.At(LearningRateSchedule.Cosine, 1f, 50, 100), 5);
        Assert.Equal(0f, LearningRates.At(LearningRateSchedule.Cosine, 1f, 100, 100), 5);
        Assert.Equal(1f, LearningRates.At(LearningRateSchedule.Constant, 1f, 50, 100));
    }
}
