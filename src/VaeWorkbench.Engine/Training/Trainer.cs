using System.Diagnostics;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Optim;

namespace VaeWorkbench.Engine.Training;

/// <summary>
/// Trains a <see cref="Vae"/> epoch by epoch. Everything that decides the next epoch (weights, optimizer moments and
/// step, the RNG, history, early-stopping counters) lives here or in the model, so a checkpoint taken between epochs
/// resumes to exactly the result of an uninterrupted run with the same seed and thread count. A run cancelled between
/// two batches keeps its place in <see cref="PartialEpoch"/>, so a checkpoint taken then resumes exactly too.
/// </summary>
public sealed class Trainer
{
    private const ulong TrainingStream = 0x7A3C_91E5_D2B4_6F01; // keeps the training RNG apart from the init RNG of the same seed
    private readonly List<EpochReport> _history;
    private float[] _input = [];
    private float[] _target = [];
    private int[] _batchLabels = [];
    private int _batchImages;
    private int[] _order = [];
    private int[] _classes = []; // the batch's labels, for a conditional model

    public Trainer(Vae model, TrainingOptions options)
        : this(model, options, CreateOptimizer(model, options), new Rng(options.Seed ^ TrainingStream), [], double.PositiveInfinity, 0, null)
    {
    }

    internal Trainer(Vae model, TrainingOptions options, Adam optimizer, Rng rng, List<EpochReport> history, double bestValidationLoss, int epochsWithoutImprovement,
        EpochProgress? partialEpoch)
    {
        options.Validate();
        Model = model;
        Options = options;
        Optimizer = optimizer;
        Rng = rng;
        _history = history;
        BestValidationLoss = bestValidationLoss;
        EpochsWithoutImprovement = epochsWithoutImprovement;
        PartialEpoch = partialEpoch;
        model.Threads = options.Threads;
        optimizer.Threads = options.Threads;
    }

    public Vae Model { get; }
    public TrainingOptions Options { get; }
    public Adam Optimizer { get; }
    internal Rng Rng { get; }
    public IReadOnlyList<EpochReport> History => _history;
    public int EpochsCompleted => _history.Count;
    public double BestValidationLoss { get; private set; }
    public int EpochsWithoutImprovement { get; private set; }
    /// <summary>Where the current epoch stopped when training was cancelled between batches; null at an epoch boundary.</summary>
    public EpochProgress? PartialEpoch { get; private set; }

    public bool StoppedEarly => Options.EarlyStoppingPatience > 0 && EpochsWithoutImprovement >= Options.EarlyStoppingPatience;

    /// <summary>Raised after every epoch (on the training thread), for progress displays and checkpoints.</summary>
    public event Action<EpochReport>? EpochCompleted;

    /// <summary>Raised after every training step with (batches done, batches per epoch) of the current epoch, for progress bars.</summary>
    public event Action<int, int>? BatchCompleted;

    /// <summary>The labels of the batch just drawn (−1 without classes), one per image: what a conditional model conditions on.</summary>
    public ReadOnlySpan<int> BatchLabels => _batchLabels.AsSpan(0, _batchImages);

    /// <summary>Trains until <see cref="TrainingOptions.Epochs"/> epochs are done or early stopping triggers.</summary>
    public IReadOnlyList<EpochReport> Run(IImageSource train, IImageSource? validation, CancellationToken cancellationToken = default)
    {
        CheckShape(train, "training");
        if (validation is not null) CheckShape(validation, "validation");
        while (EpochsCompleted < Options.Epochs && !StoppedEarly)
        {
            var report = RunEpoch(train, validation, cancellationToken);
            _history.Add(report);
            if (report.ValidationLoss is { } loss && Options.EarlyStoppingPatience > 0)
            {
                if (loss < BestValidationLoss)
                {
                    BestValidationLoss = loss;
                    EpochsWithoutImprovement = 0;
                }
                else
                {
                    EpochsWithoutImprovement++;
                }
            }
            EpochCompleted?.Invoke(report);
        }
        return History;
    }

    /// <summary>Mean per-image loss on a dataset, with z sampled from a fixed seed (the same figure every call).</summary>
    public (double Loss, double Reconstruction, double Kl) Evaluate(IImageSource data, ulong seed)
    {
        CheckShape(data, "evaluation");
        var rng = new Rng(seed);
        var batchSize = Options.BatchSize;
        var input = Grow(ref _input, batchSize * data.PixelCount);
        double recon = 0, kl = 0;
        for (var start = 0; start < data.Count; start += batchSize)
        {
            var n = Math.Min(batchSize, data.Count - start);
            data.ReadRange(start, n, input);
            var loss = Model.EvaluateBatch(input, n, rng, BatchClasses(data, start, n, index => index));
            recon += loss.Reconstruction;
            kl += loss.Kl;
        }
        return ((recon + kl) / data.Count, recon / data.Count, kl / data.Count);
    }

    private EpochReport RunEpoch(IImageSource train, IImageSource? validation, CancellationToken cancellationToken)
    {
        var epoch = EpochsCompleted + 1;
        var batchSize = Options.BatchSize;
        var pixels = train.PixelCount;
        var batchesPerEpoch = (train.Count + batchSize - 1) / batchSize;
        var totalSteps = (long)batchesPerEpoch * Options.Epochs;
        var input = Grow(ref _input, batchSize * pixels);
        var target = Options.DenoiseNoise > 0 ? Grow(ref _target, batchSize * pixels) : input;
        if (_batchLabels.Length != batchSize) _batchLabels = new int[batchSize];
        var (firstBatch, recon, kl, earlierSeconds) = StartEpoch(train, batchesPerEpoch);

        float learningRate = 0, beta = 0;
        var clock = Stopwatch.StartNew();
        for (var batch = firstBatch; batch < batchesPerEpoch; batch++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // Between two batches everything is consistent: remember the place so a checkpoint can continue from it.
                PartialEpoch = new EpochProgress(batch, [.. _order], recon, kl, earlierSeconds + clock.Elapsed.TotalSeconds);
                cancellationToken.ThrowIfCancellationRequested();
            }
            var start = batch * batchSize;
            var n = Math.Min(batchSize, train.Count - start);
            var indices = _order.AsSpan(start, n);
            train.Gather(indices, target);
            train.GatherLabels(indices, _batchLabels);
            _batchImages = n;
            if (Options.DenoiseNoise > 0) Corrupt(target, input, n * pixels);
            var classes = BatchClasses(train, start, n, index => _order[index]);

            var step = Optimizer.Step + 1;
            beta = Options.WarmupEpochs > 0
                ? Options.Beta * (float)Math.Min(1.0, (double)step / ((long)Options.WarmupEpochs * batchesPerEpoch))
                : Options.Beta;
            var loss = Model.TrainBatch(input, target, n, Rng, beta, Options.FreeBits, classes);
            if (!double.IsFinite(loss.Total))
                throw new TrainingDivergedException($"the loss became {(double.IsNaN(loss.Total) ? "NaN" : "infinite")} at epoch {epoch}, batch {batch + 1} (reconstruction {loss.Reconstruction}, KL {loss.Kl}); try a lower learning rate or gradient clipping");
            if (Options.ClipNorm > 0)
            {
                var norm = Optimizer.ClipGradientNorm(Options.ClipNorm);
                if (!double.IsFinite(norm)) throw new TrainingDivergedException($"the gradient norm became {norm} at epoch {epoch}, batch {batch + 1}; try a lower learning rate");
            }
            learningRate = LearningRates.At(Options.Schedule, Options.LearningRate, Optimizer.Step, totalSteps);
            Optimizer.Update(learningRate);
            recon += loss.Reconstruction;
            kl += loss.Kl;
            BatchCompleted?.Invoke(batch + 1, batchesPerEpoch);
        }
        var seconds = earlierSeconds + clock.Elapsed.TotalSeconds;

        double? valLoss = null, valRecon = null, valKl = null;
        if (validation is not null)
        {
            // A seed per epoch: validation never draws from the training RNG, so it cannot change the training run.
            var (l, r, k) = Evaluate(validation, Options.Seed * 1_000_003UL + (ulong)epoch);
            (valLoss, valRecon, valKl) = (l, r, k);
        }
        // Every batch was finite, yet sums of huge finite losses can overflow, and unseen images can still give NaN: a
        // report that cannot be written or compared is a diverged run, said as clearly as a NaN batch.
        if (!double.IsFinite(recon + kl))
            throw new TrainingDivergedException($"the epoch's summed loss became infinite at epoch {epoch} (reconstruction {recon}, KL {kl}); try a lower learning rate or gradient clipping");
        if (valLoss is { } validationLoss && !double.IsFinite(validationLoss))
            throw new TrainingDivergedException($"the validation loss became {(double.IsNaN(validationLoss) ? "NaN" : "infinite")} at epoch {epoch} (reconstruction {valRecon}, KL {valKl}); try a lower learning rate or gradient clipping");
        return new EpochReport(epoch, (recon + kl) / train.Count, recon / train.Count, kl / train.Count, valLoss, valRecon, valKl,
            seconds, train.Count / Math.Max(seconds, 1e-9), learningRate, beta);
    }

    /// <summary>A fresh shuffle, or the order and sums of the epoch a cancellation interrupted.</summary>
    private (int FirstBatch, double Reconstruction, double Kl, double Seconds) StartEpoch(IImageSource train, int batchesPerEpoch)
    {
        var count = train.Count;
        if (PartialEpoch is { } partial)
        {
            if (partial.Order.Length != count || partial.BatchesDone < 0 || partial.BatchesDone >= batchesPerEpoch)
                throw new ArgumentException($"the interrupted epoch ordered {partial.Order.Length} images with {partial.BatchesDone} batches done, but the training set has {count} images in {batchesPerEpoch} batches");
            _order = [.. partial.Order];
            PartialEpoch = null;
            return (partial.BatchesDone, partial.Reconstruction, partial.Kl, partial.Seconds);
        }
        if (_order.Length != count) _order = new int[count];
        EpochOrder.Shuffle(train, Rng, _order);
        return (0, 0, 0, 0);
    }

    /// <summary>The labels of images imageAt(start .. start + n) for a conditional model; empty for an unconditional one.</summary>
    private ReadOnlySpan<int> BatchClasses(IImageSource data, int start, int n, Func<int, int> imageAt)
    {
        if (!Model.Conditional) return default;
        var classes = GrowInts(ref _classes, n);
        for (var b = 0; b < n; b++) classes[b] = data.Labels![imageAt(start + b)];
        return classes.AsSpan(0, n);
    }

    // input = clamp(clean + N(0, noise²), 0, 1)
    private void Corrupt(float[] clean, float[] noisy, int count)
    {
        for (var i = 0; i < count; i++) noisy[i] = Math.Clamp(clean[i] + Options.DenoiseNoise * Rng.NextGaussian(), 0f, 1f);
    }

    private void CheckShape(IImageSource data, string role)
    {
        var c = Model.Config;
        if (data.Channels != c.Channels || data.Height != c.Height || data.Width != c.Width)
            throw new ArgumentException($"the {role} images are {data.Channels}x{data.Height}x{data.Width} but the model takes {c.Channels}x{c.Height}x{c.Width}");
        if (!c.Conditional) return;
        if (data.Labels is null) throw new ArgumentException($"a conditional model needs classes, but the {role} images have none");
        foreach (var label in data.Labels)
            if ((uint)label >= (uint)c.ClassCount) throw new ArgumentException($"the {role} images include class {label}, outside the model's {c.ClassCount} classes (0..{c.ClassCount - 1})");
    }

    internal static Adam CreateOptimizer(Vae model, TrainingOptions options) =>
        new(model.Parameters, new AdamOptions { WeightDecay = options.WeightDecay, Decoupled = options.Optimizer == OptimizerKind.AdamW });

    private static float[] Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[length];
        return buffer;
    }

    private static int[] GrowInts(ref int[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new int[length];
        return buffer;
    }
}
