using System.Diagnostics;
using System.Globalization;
using VaeWorkbench.Engine.Classification;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Cli.Commands;

/// <summary>
/// <c>vae bench augment</c>: does CVAE augmentation help a classifier trained on little data? Per seed: a small
/// training set of N real images per class and a disjoint validation split, both from the training split; a classifier
/// trained (a) on the small set alone and (b) on it plus CVAE images (the CVAE trained on the small set only), with the
/// generated count chosen on the validation split; both scored once on the test split. Same gradient steps for every
/// classifier, so (b) does not win by training longer.
/// </summary>
public sealed class BenchAugmentCommand : ICliCommand
{
    public string Name => "bench augment";
    public string Summary => "small-data protocol: a classifier with and without CVAE-generated images";
    public string Usage => """
        usage: vae bench augment [--data DIR] [--real-per-class N] [--validation-per-class N] [--counts A,B,..]
                                 [--seeds N] [--cvae-epochs N] [--classifier-steps N] [--threads N]
          --data                  IDX directory with train-* and t10k-* (default /usr/share/datasets/fashion-mnist)
          --real-per-class        real training images per class (default 100)
          --validation-per-class  validation images per class, from the rest of the training split (default 100)
          --counts                generated images per class to choose from on validation (default 100,300,1000)
          --seeds                 repeats with seeds 1..N (default 3); mean ± sd over them
          --cvae-epochs           epochs of the conditional conv VAE on the small set (default 60)
          --classifier-steps      Adam steps (batch 64) of every classifier, whatever its data (default 1000)
        """;

    private const int ClassifierBatch = 64;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var data = args.String("data") ?? AugmentationProtocol.DefaultData;
        var realPerClass = args.Int("real-per-class", 100, 1, 6000);
        var validationPerClass = args.Int("validation-per-class", 100, 1, 6000);
        var counts = (args.String("counts") ?? "100,300,1000").Split(',').Select(t => int.TryParse(t, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 10_000
            ? n : throw new UsageException($"--counts must be whole numbers between 1 and 10000 (got '{t}')")).ToArray();
        var seeds = args.Int("seeds", 3, 1, 100);
        var cvaeEpochs = args.Int("cvae-epochs", 60, 1, 10_000);
        var steps = args.Int("classifier-steps", 1000, 1, 1_000_000);
        var threads = args.Int("threads", Environment.ProcessorCount, 1, 256);
        args.EnsureAllConsumed();

        var train = DatasetLoader.Load(data, DatasetSplit.Train);
        var test = DatasetLoader.Load(data, DatasetSplit.Test);
        var baseline = new List<ClassAgreement>();
        var augmented = new List<ClassAgreement>();
        for (var s = 1UL; s <= (ulong)seeds; s++)
        {
            var clock = Stopwatch.StartNew();
            var (small, validation) = AugmentationProtocol.Split(train, realPerClass, validationPerClass, s);
            var plain = TrainClassifier(small, steps, s, threads, cancellationToken);
            var cvae = BenchFidelityCommand.TrainModel(VaeArchitecture.Conv, small.Labels!.Max() + 1, small, cvaeEpochs, threads, s, cancellationToken);
            Classifier? best = null;
            var (bestCount, bestValidation) = (0, -1.0);
            var validationByCount = new List<string>();
            foreach (var count in counts)
            {
                var classes = small.Labels!.Distinct().Count();
                var (pixels, labels) = AugmentationProtocol.GeneratePerClass(cvae, small, count * classes, s);
                var classifier = TrainClassifier(AugmentationProtocol.Concat(small, pixels, labels), steps, s, threads, cancellationToken);
                var accuracy = classifier.Evaluate(validation).Share;
                validationByCount.Add(Json($"\"{count}\":{accuracy:0.0000}"));
                if (accuracy > bestValidation) (best, bestCount, bestValidation) = (classifier, count, accuracy);
            }
            var a = plain.Evaluate(test);
            var b = best!.Evaluate(test); // the test split is scored once per arm, after the choice
            baseline.Add(a);
            augmented.Add(b);
            stdout.WriteLine(Json($"{{\"bench\":\"augment\",\"seed\":{s},\"real_per_class\":{realPerClass},\"validation_plain\":{plain.Evaluate(validation).Share:0.0000},\"validation_by_count\":{{{string.Join(",", validationByCount)}}},\"chosen_per_class\":{bestCount},\"test_plain\":{a.Share:0.0000},\"test_augmented\":{b.Share:0.0000},\"seconds\":{clock.Elapsed.TotalSeconds:0.0}}}"));
        }
        var (meanA, sdA) = MeanSd(baseline.Select(x => x.Share));
        var (meanB, sdB) = MeanSd(augmented.Select(x => x.Share));
        var (gain, sdGain) = MeanSd(baseline.Zip(augmented, (x, y) => y.Share - x.Share));
        stdout.WriteLine(Json($"{{\"bench\":\"augment-summary\",\"seeds\":{seeds},\"test_plain_mean\":{meanA:0.0000},\"test_plain_sd\":{sdA:0.0000},\"test_augmented_mean\":{meanB:0.0000},\"test_augmented_sd\":{sdB:0.0000},\"gain_points\":{100 * gain:0.00},\"gain_sd_points\":{100 * sdGain:0.00}}}"));
        stdout.WriteLine("| class | real only | real + CVAE | change |");
        stdout.WriteLine("| --- | --- | --- | --- |");
        foreach (var label in baseline[0].PerClass.Select(c => c.Label))
        {
            var (pa, _) = MeanSd(baseline.Select(x => x.PerClass.Single(c => c.Label == label).Share));
            var (pb, _) = MeanSd(augmented.Select(x => x.PerClass.Single(c => c.Label == label).Share));
            stdout.WriteLine(Json($"| {label} | {100 * pa:0.0}% | {100 * pb:0.0}% | {100 * (pb - pa):+0.0;-0.0} |"));
        }
        stdout.WriteLine(Json($"| all | {100 * meanA:0.0}% ± {100 * sdA:0.0} | {100 * meanB:0.0}% ± {100 * sdB:0.0} | {100 * gain:+0.0;-0.0} ± {100 * sdGain:0.0} |"));
        return 0;
    }

    private static Classifier TrainClassifier(ImageDataset data, int steps, ulong seed, int threads, CancellationToken cancellationToken)
    {
        var classifier = new Classifier(ClassJudge.ConfigFor(data), seed);
        // Whole epochs closest to the step budget: the same compute for 1,000 images or 11,000.
        var epochs = Math.Max(1, (int)Math.Round((double)steps * ClassifierBatch / data.Count));
        classifier.Train(data, new ClassifierTraining { Epochs = epochs, BatchSize = ClassifierBatch, Seed = seed, Threads = threads }, cancellationToken);
        return classifier;
    }

    // Sample standard deviation (n − 1); 0 for one value.
    private static (double Mean, double Sd) MeanSd(IEnumerable<double> values)
    {
        var v = values.ToArray();
        var mean = v.Average();
        return (mean, v.Length < 2 ? 0 : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)));
    }

    private static string Json(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
