using VaeWorkbench.Engine.Layers;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Engine.Tests.Model;

/// <summary>
/// The conditioning path of a conditional VAE against finite differences: the condition layer alone, the loss's
/// gradient with respect to the condition fed to the encoder and to the decoder, and every weight (the class columns
/// included) of a whole CVAE step.
/// </summary>
public class ConditionalVaeGradientTests
{
    private const int Classes = 3;

    [Fact]
    public void TheConditionLayerPassesItsInputGradientThrough()
    {
        var layer = new ConcatCondition(5, Classes);
        layer.SetCondition(GradientCheck.AwayFromZero(new Rng(2), 4 * Classes));
        GradientCheck.Layer(layer, batch: 4, seed: 3);
    }

    [Fact]
    public void TheConditionLayerAppendsOneHotRowsAndSplitsTheGradient()
    {
        var layer = new ConcatCondition(2, Classes);
        layer.SetOneHot([2, 0]);
        var y = layer.Forward([1f, 2f, 3f, 4f], 2);
        Assert.Equal([1f, 2f, 0f, 0f, 1f, 3f, 4f, 1f, 0f, 0f], y.AsSpan(0, 10).ToArray());
        var dx = layer.Backward([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f], 2);
        Assert.Equal([1f, 2f, 6f, 7f], dx.AsSpan(0, 4).ToArray());
        Assert.Equal([3f, 4f, 5f, 8f, 9f, 10f], layer.ConditionGradient.ToArray());
    }

    [Fact]
    public void AClassOutsideTheModelIsRefusedByName()
    {
        var layer = new ConcatCondition(2, Classes);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => layer.SetOneHot([3]));
        Assert.Contains("class 3", e.Message);
    }

    [Theory]
    [InlineData(VaeArchitecture.Mlp)]
    [InlineData(VaeArchitecture.Conv)]
    public void TheLossGradientWithRespectToBothConditionInputsMatchesFiniteDifferences(VaeArchitecture architecture)
    {
        var vae = new Vae(Conditional(architecture), seed: 6);
        vae.Encoder.SetNeedsInputGradient(true); // training skips the image's gradient; the condition's needs it
        const int batch = 2;
        var x = TestData.RandomImages(batch, 1, vae.Config.Height, vae.Config.Width, 8).Pixels;
        // Real-valued conditions, so the loss is a smooth function of every entry (a one-hot is a point of it).
        var encoderCondition = GradientCheck.AwayFromZero(new Rng(10), batch * Classes);
        var decoderCondition = GradientCheck.AwayFromZero(new Rng(11), batch * Classes);
        double Loss()
        {
            vae.EncoderCondition!.SetCondition(encoderCondition);
            vae.DecoderCondition!.SetCondition(decoderCondition);
            var l = vae.TrainConditionedBatch(x, x, batch, new Rng(77), 1f, 0f);
            return l.Total / batch;
        }
        Loss();
        var encoderGradient = vae.EncoderCondition!.ConditionGradient.ToArray();
        var decoderGradient = vae.DecoderCondition!.ConditionGradient.ToArray();
        Assert.Equal(batch * Classes, encoderGradient.Length);
        Assert.Contains(encoderGradient, g => Math.Abs(g) > 1e-4); // the check below is not of zeros
        Assert.Contains(decoderGradient, g => Math.Abs(g) > 1e-4);
        for (var i = 0; i < batch * Classes; i++)
        {
            GradientCheck.AssertClose(GradientCheck.Central(ref encoderCondition[i], 5e-3f, Loss), encoderGradient[i], 3e-2, $"encoder condition[{i}]");
            GradientCheck.AssertClose(GradientCheck.Central(ref decoderCondition[i], 5e-3f, Loss), decoderGradient[i], 3e-2, $"decoder condition[{i}]");
        }
    }

    [Theory]
    [InlineData(VaeArchitecture.Mlp, 1)]
    [InlineData(VaeArchitecture.Conv, 29)]
    public void EveryWeightOfAConditionalStepMatchesFiniteDifferences(VaeArchitecture architecture, int everyNth)
    {
        var vae = new Vae(Conditional(architecture), seed: 5);
        const int batch = 3;
        var x = TestData.RandomImages(batch, 1, vae.Config.Height, vae.Config.Width, 9).Pixels;
        int[] classes = [2, 0, 1];
        double Loss() => vae.TrainBatch(x, x, batch, new Rng(77), 1f, classes: classes).Total / batch;
        Loss();
        var analytic = vae.Parameters.Select(p => (float[])p.Grad.Clone()).ToList();
        var checkedCount = 0;
        for (var p = 0; p < vae.Parameters.Count; p++)
        {
            var parameter = vae.Parameters[p];
            for (var i = p % everyNth; i < parameter.Size; i += everyNth)
            {
                GradientCheck.AssertClose(GradientCheck.Central(ref parameter.Value[i], 5e-3f, Loss), analytic[p][i], 3e-2, $"{parameter.Name}[{i}]");
                checkedCount++;
            }
        }
        Assert.True(checkedCount > 20, $"only {checkedCount} gradients were checked");
    }

    [Fact]
    public void TheClassColumnsAreWhereTheArchitectureSaysAndOldConfigsStayUnconditional()
    {
        var mlp = new Vae(VaeConfig.MlpPreset() with { ClassCount = 10 }, 1);
        Assert.Equal(784 + 10, ((Linear)mlp.Encoder.Layers[1]).In);
        Assert.Equal(20 + 10, ((Linear)mlp.Decoder.Layers[1]).In);
        var conv = new Vae(VaeConfig.ConvPreset() with { ClassCount = 10 }, 1);
        Assert.Equal(3136 + 10, conv.Encoder.Layers.OfType<Linear>().First().In);
        Assert.Equal(16 + 10, conv.Decoder.Layers.OfType<Linear>().First().In);
        Assert.Equal(new Vae(VaeConfig.ConvPreset(), 1).ParameterCount + 2 * 10 * 256, conv.ParameterCount);
        Assert.False(new Vae(VaeConfig.MlpPreset(), 1).Conditional);
    }

    [Fact]
    public void AConditionalModelRefusesToRunWithoutClassesAndAnUnconditionalOneRefusesThem()
    {
        var cvae = new Vae(VaeConfig.MlpPreset() with { ClassCount = 10 }, 1);
        var e = Assert.Throws<ArgumentException>(() => cvae.Sample(2, 1f, 1));
        Assert.Contains("conditional", e.Message);
        var vae = new Vae(VaeConfig.MlpPreset(), 1);
        Assert.Throws<ArgumentException>(() => vae.Sample(2, 1f, 1, [1, 2]));
        Assert.Equal(2 * 784, cvae.Sample(2, 1f, 1, [1, 2]).Length);
    }

    private static VaeConfig Conditional(VaeArchitecture architecture) =>
        (architecture == VaeArchitecture.Mlp ? TestData.TinyMlp() : TestData.TinyConv()) with { ClassCount = Classes };
}
