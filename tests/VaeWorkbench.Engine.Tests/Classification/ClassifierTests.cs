using VaeWorkbench.Engine.Classification;
using VaeWorkbench.Engine.Losses;

namespace VaeWorkbench.Engine.Tests.Classification;

public class ClassifierTests
{
    internal static readonly ClassifierConfig Toy = new()
    {
        Architecture = ClassifierArchitecture.Mlp, Height = ToyClasses.Size, Width = ToyClasses.Size, Classes = ToyClasses.Classes, Hidden = 32,
    };

    [Fact]
    public void The_judge_learns_a_separable_toy_set_and_reports_its_accuracy_per_class()
    {
        var judge = new Classifier(Toy, 1);
        var history = judge.Train(ToyClasses.Bars(800, 2), new ClassifierTraining { Epochs = 10, BatchSize = 32, LearningRate = 3e-3f, Seed = 3 });
        Assert.True(history[^1] < history[0] / 4, $"the loss fell only from {history[0]:F3} to {history[^1]:F3}");
        var test = judge.Evaluate(ToyClasses.Bars(400, 99));
        Assert.True(test.Share >= 0.98, $"test accuracy {test.Share:P1}");
        Assert.Equal(Enumerable.Range(0, ToyClasses.Classes), test.PerClass.Select(c => c.Label));
        Assert.All(test.PerClass, c => Assert.Equal(100, c.Count));
    }

    [Fact]
    public void An_untrained_judge_is_near_chance_so_the_accuracy_above_is_learned()
    {
        var test = new Classifier(Toy, 1).Evaluate(ToyClasses.Bars(400, 99));
        Assert.True(test.Share < 0.6, $"untrained accuracy {test.Share:P1}");
    }

    [Theory]
    [InlineData(ClassifierArchitecture.Mlp)]
    [InlineData(ClassifierArchitecture.Conv)]
    public void The_cross_entropy_gradient_of_every_weight_matches_finite_differences(ClassifierArchitecture architecture)
    {
        var config = architecture == ClassifierArchitecture.Mlp
            ? Toy with { Hidden = 5 }
            : Toy with { Architecture = ClassifierArchitecture.Conv, ConvWidths = [2, 3], Hidden = 4 };
        var classifier = new Classifier(config, 4);
        var data = ToyClasses.Bars(3, 5);
        var gradient = new float[3 * config.Classes];
        var loss = new double[3];
        double Loss(bool backward)
        {
            var logits = classifier.Network.Forward(data.Pixels, 3);
            SoftmaxCrossEntropy.Compute(logits, data.Labels, 3, config.Classes, loss, backward ? gradient : default, 1f / 3);
            if (backward) classifier.Network.Backward(gradient, 3);
            return loss.Sum() / 3;
        }
        Loss(backward: true);
        var analytic = classifier.Parameters.Select(p => (float[])p.Grad.Clone()).ToList();
        for (var p = 0; p < analytic.Count; p++)
            for (var i = 0; i < analytic[p].Length; i += 3)
                GradientCheck.AssertClose(GradientCheck.Central(ref classifier.Parameters[p].Value[i], 1e-2f, () => Loss(false)), analytic[p][i], 2e-2, $"{classifier.Parameters[p].Name}[{i}]");
    }

    [Fact]
    public void Softmax_cross_entropy_matches_the_definition()
    {
        float[] logits = [1f, 2f, 3f];
        var loss = new double[1];
        var gradient = new float[3];
        SoftmaxCrossEntropy.Compute(logits, [0], 1, 3, loss, gradient, 1f);
        var z = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        Assert.Equal(-Math.Log(Math.Exp(1) / z), loss[0], 6);
        Assert.Equal(Math.Exp(1) / z - 1, gradient[0], 5);
        Assert.Equal(Math.Exp(3) / z, gradient[2], 5);
    }

    [Fact]
    public void Class_fidelity_leaves_out_unlabelled_samples_and_counts_per_class()
    {
        var judge = new Classifier(Toy, 1);
        judge.Train(ToyClasses.Bars(800, 2), new ClassifierTraining { Epochs = 10, BatchSize = 32, LearningRate = 3e-3f, Seed = 3 });
        var real = ToyClasses.Bars(8, 7);
        // The first four are asked for as their own class, the next three as the wrong class, the last as no class.
        int[] asked = [0, 1, 2, 3, 1, 2, 3, -1];
        var fidelity = ClassFidelity.Measure(judge, 0.9, real.Pixels, asked)!;
        Assert.Equal(7, fidelity.Agreement.Count);
        Assert.Equal(4, fidelity.Agreement.Agreeing);
        Assert.Equal(0.9, fidelity.JudgeAccuracy);
        Assert.Equal([1, 2, 2, 2], fidelity.Agreement.PerClass.Select(c => c.Count));
        Assert.Null(ClassFidelity.Measure(judge, 0.9, real.Pixels.AsSpan(0, 64), [-1]));
    }
}
