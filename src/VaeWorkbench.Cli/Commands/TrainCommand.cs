using VaeWorkbench.Engine.Data;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Optim;
using VaeWorkbench.Engine.Training;
using VaeWorkbench.Imaging.Transforms;

namespace VaeWorkbench.Cli.Commands;

/// <summary><c>vae train</c>: trains a VAE and writes a resumable checkpoint after every epoch.</summary>
public sealed class TrainCommand : ICliCommand
{
    public string Name => "train";
    public string Summary => "train a VAE on an image dataset, printing one JSON line per epoch";
    public string Usage => """
        usage: vae train --data <dir> --out <model.vae> [options]
          --data PATH         Fashion-MNIST-style IDX directory (train-* to train, t10k-* to test), or an image
                              folder / ZIP in ImageFolder layout (class folders become labels; no test split)
          --size 28|32|64     image size for folders and ZIPs (default 28)   --channels 1|3  grey or RGB (default 1)
          --out FILE          model file, rewritten after every epoch: the inference file (weights, config,
                              history) unless --include-training-state
          --include-training-state
                              also write the optimizer state, so that --resume can continue the file
                              (about three times the size); implied by --resume
          --arch mlp|conv     architecture preset (DESIGN.md §3), default mlp
          --conditional       a conditional VAE: the class (one-hot) is appended to the encoder's features and to z
                              at the decoder's input; needs a dataset with classes
          --latent N          latent size (default 20 for mlp, 16 for conv)
          --hidden A,B,..     mlp hidden sizes (default 400)
          --widths A,B,..     conv channel widths (default 32,64)
          --epochs N          total epochs (default 10)       --batch N   batch size (default 128)
          --lr F              learning rate (default 0.001)   --schedule constant|cosine
          --optimizer adam|adamw  --weight-decay F            --clip F    max gradient norm (0 = off)
          --beta F            KL weight (default 1)           --warmup N  KL warm-up epochs
          --free-bits F       nats per latent dimension       --denoise F input noise std (0 = off)
          --loss bce|gaussian|gaussian-learned|mse|l1 (default bce)   --scale F  σ or b of gaussian/l1 (default 0.1)
          --patience N        early stopping on test loss (0 = off)
          --threads N         (default: processor count)      --seed N    (default 1)
          --limit N           use the first N training images
          --test-limit N      evaluate on the first N test images (default all)
          --resume FILE       continue a file written with --include-training-state up to --epochs with its
                              saved settings (and seed); bit-identical to an uninterrupted run unless
                              --threads changes. An inference file is refused: it has no optimizer state
        """ + MemoryBudget.Usage;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var data = args.Required("data");
        var output = args.Required("out");
        var resume = args.String("resume");
        var limit = args.Has("limit") ? args.Int("limit", 0, 1) : (int?)null;
        var testLimit = args.Has("test-limit") ? args.Int("test-limit", 0, 1) : (int?)null;
        var threads = args.Setting(TrainingSettingRanges.Threads, Environment.ProcessorCount);
        var epochs = args.Setting(TrainingSettingRanges.Epochs, 10);
        // Resuming is a checkpoint workflow: the continued file keeps its training state, so it can be resumed again.
        var includeTrainingState = args.Flag("include-training-state") || resume is not null;
        var memory = MemoryBudget.From(args);

        if (resume is not null)
        {
            var loaded = ModelFile.Load(resume);
            if (!loaded.CanResume) throw new InvalidOperationException($"cannot resume from '{resume}': {ModelFile.CannotResumeMessage}");
            var resumed = loaded.Resume(epochs, args.Has("threads") ? threads : null);
            args.EnsureAllConsumed();
            var saved = resumed.Model.Config;
            using var resumedSources = new SourceScope();
            return Train(resumed, resumedSources.Add(DatasetLoader.Open(data, DatasetSplit.Train, memory, limit, new NormalizeOptions { Size = saved.Height, Channels = saved.Channels }, stderr)),
                data, testLimit, output, includeTrainingState, stdout, cancellationToken);
        }

        var arch = args.Choice("arch", VaeArchitecture.Mlp, OptionNames.Architectures);
        var conditional = args.Flag("conditional");
        var preset = arch == VaeArchitecture.Mlp ? VaeConfig.MlpPreset() : VaeConfig.ConvPreset();
        var widths = IntList(args, "widths");
        var config = preset with
        {
            Latent = args.Setting(TrainingSettingRanges.Latent, preset.Latent),
            Hidden = IntList(args, "hidden") ?? preset.Hidden,
            ConvWidths = widths ?? preset.ConvWidths,
            Loss = args.Choice("loss", ReconstructionKind.Bernoulli, OptionNames.Losses),
            ObservationScale = (float)args.Double("scale", preset.ObservationScale, 1e-6, 1e6),
        };
        var options = new TrainingOptions
        {
            Epochs = epochs,
            BatchSize = args.Setting(TrainingSettingRanges.Batch, 128),
            LearningRate = (float)args.Setting(TrainingSettingRanges.LearningRate, 1e-3),
            Schedule = args.Choice("schedule", LearningRateSchedule.Constant, OptionNames.Schedules),
            Optimizer = args.Choice("optimizer", OptimizerKind.Adam, OptionNames.Optimizers),
            WeightDecay = (float)args.Setting(TrainingSettingRanges.WeightDecay, 0.0),
            ClipNorm = (float)args.Setting(TrainingSettingRanges.Clip, 0.0),
            Beta = (float)args.Setting(TrainingSettingRanges.Beta, 1.0),
            WarmupEpochs = args.Setting(TrainingSettingRanges.Warmup, 0),
            FreeBits = (float)args.Setting(TrainingSettingRanges.FreeBits, 0.0),
            DenoiseNoise = (float)args.Setting(TrainingSettingRanges.Denoise, 0.0),
            EarlyStoppingPatience = args.Setting(TrainingSettingRanges.Patience, 0),
            Seed = (ulong)args.Setting(TrainingSettingRanges.Seed, 1),
            Threads = threads,
        };
        var normalize = new NormalizeOptions
        {
            Size = args.Choice("size", 28, new Dictionary<string, int> { ["28"] = 28, ["32"] = 32, ["64"] = 64 }),
            Channels = args.Choice("channels", 1, new Dictionary<string, int> { ["1"] = 1, ["3"] = 3 }),
        };
        args.EnsureAllConsumed();
        using var sources = new SourceScope();
        var train = sources.Add(DatasetLoader.Open(data, DatasetSplit.Train, memory, limit, normalize, stderr));
        config = config with { Channels = train.Channels, Height = train.Height, Width = train.Width, ClassCount = conditional ? ClassCountOf(train, data) : 0 };
        // The conv preset's depth follows the image size (a third stage at 64 px), known only once the data is read.
        if (arch == VaeArchitecture.Conv && widths is null) config = config with { ConvWidths = VaeConfig.ConvPresetWidths(train.Height) };
        var trainer = new Trainer(new Vae(config, options.Seed), options);
        return Train(trainer, train, data, testLimit, output, includeTrainingState, stdout, cancellationToken);
    }

    private static int Train(Trainer trainer, IImageSource train, string data, int? testLimit, string output, bool includeTrainingState,
        TextWriter stdout, CancellationToken cancellationToken)
    {
        var test = DatasetLoader.HasSplit(data, DatasetSplit.Test) ? DatasetLoader.Load(data, DatasetSplit.Test, testLimit) : null;
        trainer.EpochCompleted += report =>
        {
            ModelFile.Save(output, trainer.Model, trainer, includeTrainingState);
            stdout.WriteLine(FormatEpoch(report));
            stdout.Flush();
        };
        trainer.Run(train, test, cancellationToken);
        return 0;
    }

    internal static string FormatEpoch(EpochReport r)
    {
        var line = new Dictionary<string, object?>
        {
            ["epoch"] = r.Epoch,
            ["train_loss"] = Math.Round(r.TrainLoss, 4),
            ["test_loss"] = r.ValidationLoss is { } v ? Math.Round(v, 4) : null,
            ["recon"] = Math.Round(r.TrainReconstruction, 4),
            ["kl"] = Math.Round(r.TrainKl, 4),
            ["test_recon"] = r.ValidationReconstruction is { } vr ? Math.Round(vr, 4) : null,
            ["test_kl"] = r.ValidationKl is { } vk ? Math.Round(vk, 4) : null,
            ["epoch_s"] = Math.Round(r.EpochSeconds, 3),
            ["img_per_s"] = Math.Round(r.ImagesPerSecond, 1),
            ["lr"] = r.LearningRate,
            ["beta"] = r.Beta,
            ["peak_rss_mb"] = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 1),
        };
        return JsonSerializer.Serialize(line);
    }

    /// <summary>Classes 0..max label of a labelled dataset; a dataset without classes cannot train a conditional model.</summary>
    internal static int ClassCountOf(Engine.Data.IImageSource train, string data)
    {
        if (train.Labels is not { Length: > 0 } labels)
            throw new ArgumentException($"--conditional needs a dataset with classes, and '{data}' has none (an IDX directory needs its label files; a folder needs class subfolders)");
        return labels.Max() + 1;
    }

    private static int[]? IntList(CliArguments args, string name)
    {
        var text = args.String(name);
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]) || values[i] <= 0)
                throw new UsageException($"--{name} must be a comma-separated list of positive whole numbers (got '{text}')");
        }
        return values.Length > 0 ? values : throw new UsageException($"--{name} needs at least one size");
    }
}
