using VaeWorkbench.Engine.Optim;

namespace VaeWorkbench.Engine.Training;

public enum OptimizerKind { Adam, AdamW }

/// <summary>How to train; saved in checkpoints so a resumed run continues with the same settings.</summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 128;
    public float LearningRate { get; init; } = 1e-3f;
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public float WeightDecay { get; init; }

    /// <summary>Weight of the KL term (β-VAE); 1 is the ELBO.</summary>
    public float Beta { get; init; } = 1f;

    /// <summary>β rises linearly from 0 to <see cref="Beta"/> over this many epochs (0 = no warm-up).</summary>
    public int WarmupEpochs { get; init; }

    /// <summary>Free bits λ in nats per latent dimension (0 = off).</summary>
    public float FreeBits { get; init; }

    /// <summary>Denoising: std of the Gaussian noise added to inputs (clamped to [0, 1]); the clean image is the target. 0 = off.</summary>
    public float DenoiseNoise { get; init; }

    /// <summary>Maximum global gradient norm (0 = no clipping).</summary>
    public float ClipNorm { get; init; }

    /// <summary>Stop after this many epochs without a lower validation loss (0 = never).</summary>
    public int EarlyStoppingPatience { get; init; }

    public ulong Seed { get; init; } = 1;
    public int Threads { get; init; } = 1;

    public void Validate()
    {
        if (Epochs is <= 0 or > 100_000) throw new ArgumentException($"epochs must be between 1 and 100000, not {Epochs}");
        if (BatchSize is <= 0 or > 65_536) throw new ArgumentException($"batch size must be between 1 and 65536, not {BatchSize}");
        if (!float.IsFinite(LearningRate) || LearningRate <= 0) throw new ArgumentException($"learning rate must be positive, not {LearningRate}");
        if (!float.IsFinite(WeightDecay) || WeightDecay < 0) throw new ArgumentException("weight decay must be non-negative");
        if (!float.IsFinite(Beta) || Beta < 0) throw new ArgumentException("beta must be non-negative");
        if (WarmupEpochs < 0) throw new ArgumentException("warm-up epochs must be non-negative");
        if (!float.IsFinite(FreeBits) || FreeBits < 0) throw new ArgumentException("free bits must be non-negative");
        if (!float.IsFinite(DenoiseNoise) || DenoiseNoise < 0) throw new ArgumentException("denoising noise must be non-negative");
        if (!float.IsFinite(ClipNorm) || ClipNorm < 0) throw new ArgumentException("the clip norm must be non-negative");
        if (EarlyStoppingPatience < 0) throw new ArgumentException("early-stopping patience must be non-negative");
        if (Threads is <= 0 or > 256) throw new ArgumentException($"threads must be between 1 and 256, not {Threads}");
    }
}
