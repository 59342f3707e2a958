using VaeWorkbench.Engine.Classification;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Losses;
using VaeWorkbench.Engine.Optim;

namespace VaeWorkbench.Engine.Tests.Classification;

/// <summary>The recipe options of <see cref="ClassifierTraining"/>: the learning-rate schedule and the image jitter.</summary>
public class ClassifierRecipeTests
{
    [Fact]
    public void A_cosine_schedule_steps_at_the_decayed_rate()
    {
        // One image, so one batch per epoch whatever the shuffle; two epochs: the steps run at lr and at
        // ½·lr·(1 + cos(π/2)) = ½·lr.
        var data = ToyClasses.Bars(1, 4);
        var trained = new Classifier(ClassifierTests.Toy, 7);
        trained.Train(data, new ClassifierTraining { Epochs = 2, BatchSize = 1, LearningRate = 1e-2f, Schedule = LearningRateSchedule.Cosine, Seed = 5 });

        float[][] ByHand(params float[] rates)
        {
            var classifier = new Classifier(ClassifierTests.Toy, 7);
            var adam = new Adam(classifier.Parameters, new AdamOptions());
            var (loss, gradient) = (new double[1], new float[ToyClasses.Classes]);
            foreach (var rate in rates)
            {
                var logits = classifier.Network.Forward(data.Pixels, 1);
                SoftmaxCrossEntropy.Compute(logits, data.Labels, 1, ToyClasses.Classes, loss, gradient, 1f);
                classifier.Network.Backward(gradient, 1);
                adam.Update(rate);
            }
            return [.. classifier.Parameters.Select(p => p.Value)];
        }
        var cosine = ByHand(1e-2f, 5e-3f);
        var constant = ByHand(1e-2f, 1e-2f);
        var maxFromCosine = 0.0;
        var maxFromConstant = 0.0;
        for (var p = 0; p < cosine.Length; p++)
            for (var i = 0; i < cosine[p].Length; i++)
            {
                maxFromCosine = Math.Max(maxFromCosine, Math.Abs(trained.Parameters[p].Value[i] - cosine[p][i]));
                maxFromConstant = Math.Max(maxFromConstant, Math.Abs(trained.Parameters[p].Value[i] - constant[p][i]));
            }
        // The same operations in the same order; the constant rate moves weights by about 5e-3 more.
        Assert.True(maxFromCosine < 1e-6, $"differs from the cosine steps by {maxFromCosine:G3}");
        Assert.True(maxFromConstant > 1e-3, $"differs from the constant steps by only {maxFromConstant:G3}");
    }

    [Fact]
    public void Mirroring_the_training_images_erases_a_left_right_difference()
    {
        // Class 0 is bright on the left half, class 1 on the right: trained with mirrors, the two look the same, so the
        // loss cannot fall below ln 2 (a coin toss); without them it falls near 0.
        const int size = 8;
        var rng = new Rng(11);
        var count = 400;
        var pixels = new float[count * size * size];
        var labels = new int[count];
        for (var n = 0; n < count; n++)
        {
            labels[n] = n % 2;
            for (var y = 0; y < size; y++)
                for (var x = 0; x < size; x++)
                    pixels[n * size * size + y * size + x] = ((x < size / 2) == (labels[n] == 0) ? 0.8f : 0f) + 0.1f * rng.NextFloat();
        }
        var data = new ImageDataset(pixels, count, 1, size, size, labels);
        var config = ClassifierTests.Toy with { Classes = 2 };
        double FinalLoss(bool mirror) => new Classifier(config, 1)
            .Train(data, new ClassifierTraining { Epochs = 5, BatchSize = 32, LearningRate = 3e-3f, Mirror = mirror, Seed = 2 })[^1];
        Assert.True(FinalLoss(mirror: false) < 0.05, $"unmirrored loss {FinalLoss(false):F3}");
        Assert.True(FinalLoss(mirror: true) > 0.65, $"mirrored loss {FinalLoss(true):F3}");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(ClassifierTraining.MaxShiftLimit + 1)]
    public void Refuses_a_shift_out_of_range(int shift)
    {
        var error = Assert.Throws<ArgumentException>(() => new ClassifierTraining { MaxShift = shift }.Validate());
        Assert.Contains("shift", error.Message);
    }
}
