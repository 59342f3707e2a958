using VaeWorkbench.Engine.Classification;
using VaeWorkbench.Engine.Data;

namespace VaeWorkbench.Engine.Tests.Classification;

public class BatchMixTests
{
    [Fact]
    public void Every_mixed_batch_takes_the_same_share_from_the_first_part_and_each_part_cycles_through_all_its_images()
    {
        var order = new BatchOrder(100, 8, new BatchMix(10, 0.25), new Rng(1));
        Assert.Equal(13, order.BatchesPerEpoch); // ⌈100 / 8⌉, as pooled: a mix does not change the step count
        var buffer = new int[8];
        var first = new List<int>();
        var second = new List<int>();
        for (var epoch = 0; epoch < 2; epoch++)
        {
            order.StartEpoch();
            for (var b = 0; b < order.BatchesPerEpoch; b++)
            {
                var batch = order.Batch(b, buffer).ToArray();
                Assert.Equal(8, batch.Length);
                Assert.Equal(2, batch.Count(i => i < 10));
                first.AddRange(batch.Where(i => i < 10));
                second.AddRange(batch.Where(i => i >= 10));
            }
        }
        // Passes without repeats: the first 10 draws of the first part are its 10 images, the first 90 of the second its 90.
        Assert.Equal(Enumerable.Range(0, 10), first.Take(10).Order());
        Assert.Equal(Enumerable.Range(0, 10), first.Skip(10).Take(10).Order());
        Assert.Equal(Enumerable.Range(10, 90), second.Take(90).Order());
        Assert.NotEqual(first.Take(10), first.Skip(10).Take(10)); // reshuffled between passes
    }

    [Fact]
    public void Pooled_batches_visit_every_image_once_per_epoch()
    {
        var order = new BatchOrder(21, 8, null, new Rng(2));
        for (var epoch = 0; epoch < 2; epoch++)
        {
            order.StartEpoch();
            var seen = new List<int>();
            for (var b = 0; b < order.BatchesPerEpoch; b++) seen.AddRange(order.Batch(b, new int[8]).ToArray());
            Assert.Equal(Enumerable.Range(0, 21), seen.Order());
        }
    }

    [Theory]
    [InlineData(10, 0.0)]
    [InlineData(10, 1.0)]
    [InlineData(10, double.NaN)]
    [InlineData(0, 0.5)]
    public void Refuses_a_mix_that_leaves_a_part_empty(int firstCount, double share)
    {
        var error = Assert.Throws<ArgumentException>(() => new ClassifierTraining { Mix = new BatchMix(firstCount, share) }.Validate());
        Assert.Contains("first part", error.Message);
    }

    [Fact]
    public void Refuses_a_mix_whose_first_part_is_the_whole_set_and_a_batch_too_small_to_split()
    {
        Assert.Throws<ArgumentException>(() => new BatchOrder(10, 8, new BatchMix(10, 0.5), new Rng(1)));
        Assert.Throws<ArgumentException>(() => new ClassifierTraining { BatchSize = 1, Mix = new BatchMix(10, 0.5) }.Validate());
    }

    [Fact]
    public void A_mix_lets_a_small_correct_part_outweigh_a_large_mislabelled_one()
    {
        // 200 correctly labelled bars first, then 2,000 labelled one class off: pooled, the wrong labels win; with the
        // first part filling three quarters of every batch, the right ones do.
        var right = ToyClasses.Bars(200, 2);
        var wrong = ToyClasses.Bars(2000, 3);
        var data = new ImageDataset([.. right.Pixels, .. wrong.Pixels], 2200, 1, ToyClasses.Size, ToyClasses.Size,
            [.. right.Labels!, .. wrong.Labels!.Select(l => (l + 1) % ToyClasses.Classes)]);
        var test = ToyClasses.Bars(400, 99);
        double Accuracy(BatchMix? mix)
        {
            var classifier = new Classifier(ClassifierTests.Toy, 1);
            classifier.Train(data, new ClassifierTraining { Epochs = 3, BatchSize = 32, LearningRate = 3e-3f, Mix = mix, Seed = 3 });
            return classifier.Evaluate(test).Share;
        }
        var mixed = Accuracy(new BatchMix(200, 0.75));
        var pooled = Accuracy(null);
        Assert.True(mixed >= 0.95, $"mixed accuracy {mixed:P1}");
        Assert.True(pooled <= 0.3, $"pooled accuracy {pooled:P1}");
    }
}
