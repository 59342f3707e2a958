using System.Diagnostics;
using System.Globalization;
using VaeWorkbench.Engine.Classification;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Generation;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Cli.Commands;

/// <summary>
/// <c>vae bench augment</c>: does CVAE augmentation help a classifier trained on little data? Per seed: a small
/// training set of N real images per class and a disjoint validation split, both from the training split; a classifier
/// trained (a) on the small set alone and (b) on it plus CVAE images (the CVAE trained on the small set only). Every
/// candidate of (b) (generation mode × generated count × batch mix) is trained and scored on the validation split, the
/// best one is kept; then both arms are scored once on the test split. Every classifier gets the same recipe and the
/// same number of gradient steps, so (b) does not win by training longer.
/// </summary>
public sealed class BenchAugmentCommand : ICliCommand
{
    public string Name => "bench augment";
    public string Summary => "small-data protocol: a classifier with and without CVAE-generated images";
    public string Usage => """
        usage: vae bench augment [--data DIR] [--real-per-class N] [--validation-per-class N] [--counts A,B,..]
                                 [--generation per-class|variations,..] [--temperature T] [--spread S]
                                 [--real-share pooled|F,..] [--seeds N] [--cvae-epochs N] [--cvae-dir DIR]
                                 [--classifier-steps N] [--threads N]
          --data                  IDX directory with train-* and t10k-* (default /usr/share/datasets/fashion-mnist)
          --real-per-class        real training images per class (default 100)
          --validation-per-class  validation images per class, from the rest of the training split (default 100)
          --counts                generated images per class to choose from on validation (default 100,300,1000)
          --generation            how the CVAE generates, to choose from on validation (default per-class):
                                  per-class: z around the class's codes (τ = --temperature), decoded at the class;
                                  variations: z ~ N(μ(x), (spread·σ(x))²) around each real training image x, decoded
                                  at x's class (--spread)
          --temperature           τ of per-class draws, 0.1..2 (default 1)
          --spread                σ multiplier of variations, 0..10 (default 1)
          --real-share            how batches mix real and generated images, to choose from on validation (default
                                  pooled): pooled (in proportion to their numbers) or F in (0, 1), the real share of
                                  every batch
          --seeds                 repeats with seeds 1..N (default 3); mean ± sd over them
          --cvae-epochs           epochs of the conditional conv VAE on the small set (default 60)
          --cvae-dir              keep each seed's CVAE in DIR (cvae-s{seed}-r{real}-e{epochs}.vae) and reuse it
          --classifier-steps      Adam steps (batch 64) of every classifier, whatever its data (default 1000)
        """;

    private const int ClassifierBatch = 64;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var data = args.String("data") ?? AugmentationProtocol.DefaultData;
        var realPerClass = args.Int("real-per-class", 100, 1, 6000);
        var validationPerClass = args.Int("validation-per-class", 100, 1, 6000);
        var counts = args.IntList("counts", [100, 300, 1000], 1, 10_000);
        var modes = args.ChoiceList("generation", [GenerationMode.PerClass], GenerationModes);
        var temperature = (float)args.Double("temperature", 1, 0.1, 2);
        var spread = (float)args.Double("spread", 1, 0, 10);
        var shares = RealShares(args.String("real-share"));
        var seeds = args.Int("seeds", 3, 1, 100);
        var cvaeEpochs = args.Int("cvae-epochs", 60, 1, 10_000);
        var cvaeDir = args.String("cvae-dir");
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
            var plain = TrainClassifier(small, null, steps, s, threads, cancellationToken);
            var cvae = LoadOrTrainCvae(small, realPerClass, cvaeEpochs, cvaeDir, s, threads, cancellationToken);
            Classifier? best = null;
            var (bestName, bestValidation) = ("", -1.0);
            var validationByCandidate = new List<string>();
            var classes = small.Labels!.Distinct().Count();
            foreach (var mode in modes)
                foreach (var count in counts)
                {
                    var request = new GenerationRequest { Mode = mode, Count = count * classes, Seed = s, Temperature = temperature, Spread = spread };
                    var (pixels, labels) = AugmentationProtocol.Generate(cvae, small, request);
                    var both = AugmentationProtocol.Concat(small, pixels, labels);
                    foreach (var share in shares)
                    {
                        var mix = share is { } f ? new BatchMix(small.Count, f) : null;
                        var classifier = TrainClassifier(both, mix, steps, s, threads, cancellationToken);
                        var accuracy = classifier.Evaluate(validation).Share;
                        var name = CandidateName(mode, count, share);
                        validationByCandidate.Add(Json($"\"{name}\":{accuracy:0.0000}"));
                        if (accuracy > bestValidation) (best, bestName, bestValidation) = (classifier, name, accuracy);
                    }
                }
            var a = plain.Evaluate(test);
            var b = best!.Evaluate(test); // the test split is scored once per arm, after the choice
            baseline.Add(a);
            augmented.Add(b);
            stdout.WriteLine(Json($"{{\"bench\":\"augment\",\"seed\":{s},\"real_per_class\":{realPerClass},\"validation_plain\":{plain.Evaluate(validation).Share:0.0000},\"validation_by_candidate\":{{{string.Join(",", validationByCandidate)}}},\"chosen\":\"{bestName}\",\"test_plain\":{a.Share:0.0000},\"test_augmented\":{b.Share:0.0000},\"test_plain_per_class\":{{{AugmentationProtocol.PerClassJson(a)}}},\"test_augmented_per_class\":{{{AugmentationProtocol.PerClassJson(b)}}},\"seconds\":{clock.Elapsed.TotalSeconds:0.0}}}"));
            stdout.Flush();
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

    // The modes that give every image a class, named as vae generate names them.
    private static readonly IReadOnlyDictionary<string, GenerationMode> GenerationModes =
        GenerateCommand.Modes.Where(m => m.Value is GenerationMode.PerClass or GenerationMode.Variations).ToDictionary();

    // "pooled" -> null (no mix); F -> the real share of every batch.
    private static double?[] RealShares(string? text) =>
        text is null ? [null] : [.. text.Split(',', StringSplitOptions.TrimEntries).Select(RealShare)];

    private static double? RealShare(string text) => text == "pooled" ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f is > 0 and < 1 ? f
        : throw new UsageException($"--real-share must be a comma-separated list of 'pooled' or numbers between 0 and 1, exclusive (got '{text}')");

    private static string CandidateName(GenerationMode mode, int count, double? share) =>
        Json($"{GenerationModes.First(m => m.Value == mode).Key}/{count}/{(share is { } f ? f.ToString("0.##", CultureInfo.InvariantCulture) : "pooled")}");

    // The CVAE of one seed: from --cvae-dir when an earlier run left it there, else trained (and left there).
    private static Vae LoadOrTrainCvae(ImageDataset small, int realPerClass, int epochs, string? dir, ulong seed, int threads, CancellationToken cancellationToken)
    {
        var path = dir is null ? null : Path.Combine(dir, Json($"cvae-s{seed}-r{realPerClass}-e{epochs}.vae"));
        if (path is not null && File.Exists(path))
        {
            var loaded = ModelFile.Load(path).Model;
            loaded.Threads = threads;
            return loaded;
        }
        var cvae = BenchFidelityCommand.TrainModel(VaeArchitecture.Conv, small.Labels!.Max() + 1, small, epochs, threads, seed, cancellationToken);
        if (path is not null)
        {
            Directory.CreateDirectory(dir!);
            ModelFile.Save(path, cvae);
        }
        return cvae;
    }

    private static Classifier TrainClassifier(ImageDataset data, BatchMix? mix, int steps, ulong seed, int threads, CancellationToken cancellationToken)
    {
        var classifier = new Classifier(ClassJudge.ConfigFor(data), seed);
        // Whole epochs closest to the step budget: the same compute for 1,000 images or 11,000, mixed or pooled.
        var epochs = Math.Clamp((int)Math.Round((double)steps * ClassifierBatch / data.Count), 1, 1000);
        classifier.Train(data, new ClassifierTraining { Epochs = epochs, BatchSize = ClassifierBatch, Mix = mix, Seed = seed, Threads = threads }, cancellationToken);
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
