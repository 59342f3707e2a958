using System.Diagnostics;
using System.Globalization;
using VaeWorkbench.Engine.Classification;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Generation;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Optim;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Cli.Commands;

/// <summary>
/// <c>vae bench fidelity</c>: class fidelity of a conditional VAE's per-class samples against today's class-mean-latent
/// generation from an unconditional VAE of the same preset, judged by a classifier trained on the real training split.
/// </summary>
public sealed class BenchFidelityCommand : ICliCommand
{
    public string Name => "bench fidelity";
    public string Summary => "class fidelity: conditional VAE against class-mean generation, judged by a trained classifier";
    public string Usage => """
        usage: vae bench fidelity [--data DIR] [--arch conv|mlp] [--epochs N] [--limit N] [--judge-epochs N]
                                  [--judge-shift N] [--judge-mirror] [--judge-schedule constant|cosine]
                                  [--per-class N] [--temperature T,..] [--cvae FILE] [--vae FILE] [--save-dir DIR]
                                  [--threads N] [--seed N]
          --data            IDX directory with train-* and t10k-* (default /usr/share/datasets/fashion-mnist)
          --arch            the preset both VAEs use (default conv)
          --epochs          VAE training epochs (default 5)      --limit  training images (default all)
          --judge-epochs    the judge's epochs (default 3); it trains on the training split, scores on t10k
          --judge-shift     the judge's training images move by up to N pixels each way (0..8, default 0)
          --judge-mirror    the judge's training images are mirrored left-right half the time
          --judge-schedule  the judge's learning rate: constant (default) or cosine decay to 0
          --per-class       images generated per class (default 500)
          --temperature     τ of the per-class draws z ~ N(m_c, τ²·diag(v_c)), 0.1..2 (default 1); a list measures each
          --cvae, --vae   use these trained models instead of training them
          --save-dir      write the models trained here (cvae.vae, vae.vae) to this directory
        """;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var data = args.String("data") ?? AugmentationProtocol.DefaultData;
        var arch = args.Choice("arch", VaeArchitecture.Conv, OptionNames.Architectures);
        var epochs = args.Int("epochs", 5, 1, 1000);
        var limit = args.Has("limit") ? args.Int("limit", 0, 1) : (int?)null;
        var judgeEpochs = args.Int("judge-epochs", 3, 1, 1000);
        var judgeShift = args.Int("judge-shift", 0, 0, ClassifierTraining.MaxShiftLimit);
        var judgeMirror = args.Flag("judge-mirror");
        var judgeSchedule = args.Choice("judge-schedule", LearningRateSchedule.Constant, OptionNames.Schedules);
        var perClass = args.Int("per-class", 500, 1, 10_000);
        var temperatures = args.DoubleList("temperature", [1], MinTemperature, MaxTemperature);
        var cvaePath = args.String("cvae");
        var vaePath = args.String("vae");
        var saveDir = args.String("save-dir");
        var threads = args.Int("threads", Environment.ProcessorCount, 1, 256);
        var seed = (ulong)args.Int("seed", 1, 0);
        args.EnsureAllConsumed();

        var train = DatasetLoader.Load(data, DatasetSplit.Train, limit);
        var test = DatasetLoader.Load(data, DatasetSplit.Test);
        var clock = Stopwatch.StartNew();
        var judgeTraining = new ClassifierTraining
        {
            Epochs = judgeEpochs, MaxShift = judgeShift, Mirror = judgeMirror, Schedule = judgeSchedule, Seed = seed, Threads = threads,
        };
        var judge = ClassJudge.Train(train, test, judgeTraining, cancellationToken);
        stdout.WriteLine(Json($"{{\"bench\":\"judge\",\"train_images\":{train.Count},\"epochs\":{judgeEpochs},\"shift\":{judgeShift},\"mirror\":{(judgeMirror ? "true" : "false")},\"schedule\":\"{OptionNames.NameOf(OptionNames.Schedules, judgeSchedule)}\",\"test_accuracy\":{judge.Accuracy:0.0000},\"per_class\":{{{AugmentationProtocol.PerClassJson(judge.TestAgreement)}}},\"seconds\":{clock.Elapsed.TotalSeconds:0.0}}}"));

        var classes = judge.Classifier.Config.Classes;
        foreach (var (name, conditional, path) in new[] { ("conditional", true, cvaePath), ("class-mean", false, vaePath) })
        {
            cancellationToken.ThrowIfCancellationRequested();
            clock.Restart();
            var model = path is not null ? ModelFile.Load(path).Model : TrainModel(arch, conditional ? classes : 0, train, epochs, threads, seed, cancellationToken);
            if (model.Conditional != conditional) throw new ArgumentException($"--{(conditional ? "cvae" : "vae")} '{path}' is {(model.Conditional ? "" : "not ")}a conditional model");
            if (path is null && saveDir is not null)
            {
                Directory.CreateDirectory(saveDir);
                ModelFile.Save(Path.Combine(saveDir, conditional ? "cvae.vae" : "vae.vae"), model);
            }
            var trainSeconds = clock.Elapsed.TotalSeconds;
            foreach (var temperature in temperatures)
            {
                var (pixels, labels) = AugmentationProtocol.GeneratePerClass(model, train, perClass * classes, seed, (float)temperature);
                var fidelity = judge.Measure(pixels, labels)!;
                stdout.WriteLine(Json($"{{\"bench\":\"fidelity\",\"generation\":\"{name}\",\"arch\":\"{model.Config.Architecture.ToString().ToLowerInvariant()}\",\"epochs\":{(path is null ? epochs.ToString(CultureInfo.InvariantCulture) : "null")},\"temperature\":{temperature:0.###},\"train_seconds\":{trainSeconds:0.0},\"images\":{fidelity.Agreement.Count},\"class_fidelity\":{fidelity.Agreement.Share:0.0000},\"judge_accuracy\":{judge.Accuracy:0.0000},\"per_class\":{{{AugmentationProtocol.PerClassJson(fidelity.Agreement)}}}}}"));
            }
        }
        return 0;
    }

    internal static Vae TrainModel(VaeArchitecture arch, int classCount, ImageDataset train, int epochs, int threads, ulong seed, CancellationToken cancellationToken)
    {
        var preset = arch == VaeArchitecture.Mlp ? VaeConfig.MlpPreset(train.Channels, train.Height) : VaeConfig.ConvPreset(train.Channels, train.Height);
        var vae = new Vae(preset with { ClassCount = classCount }, seed);
        new Trainer(vae, new TrainingOptions { Epochs = epochs, Seed = seed, Threads = threads }).Run(train, null, cancellationToken);
        return vae;
    }

    // The generation request's own bounds (GenerationRequest.Validate), checked here so a bad list fails before any training.
    private const double MinTemperature = 0.1, MaxTemperature = 2;

    private static string Json(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
