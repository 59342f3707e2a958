using VaeWorkbench.Engine.Optim;

namespace VaeWorkbench.Engine.Classification;

public enum ClassifierArchitecture { Mlp, Conv }

/// <summary>
/// The shape of an image classifier built from the engine's layers. Mlp: P -> Hidden ReLU -> K.
/// Conv: Conv(32, k4, s2, p1) ReLU -> Conv(64, k4, s2, p1) ReLU -> flatten -> Hidden ReLU -> K, the conv VAE's encoder
/// with a class head instead of the latent heads.
/// </summary>
public sealed record ClassifierConfig
{
    public ClassifierArchitecture Architecture { get; init; } = ClassifierArchitecture.Conv;
    public int Channels { get; init; } = 1;
    public int Height { get; init; } = 28;
    public int Width { get; init; } = 28;
    public int Classes { get; init; } = 10;
    public int Hidden { get; init; } = 128;
    public int[] ConvWidths { get; init; } = [32, 64];

    public int PixelCount => Channels * Height * Width;

    public void Validate()
    {
        if (Channels is not (1 or 3)) throw new ArgumentException($"images must have 1 or 3 channels, not {Channels}");
        if (Height <= 0 || Width <= 0 || Height > 4096 || Width > 4096) throw new ArgumentException($"image size {Height}x{Width} is out of range");
        if (Classes is < 2 or > 1000) throw new ArgumentException($"a classifier needs between 2 and 1000 classes, not {Classes}");
        if (Hidden is <= 0 or > 65536) throw new ArgumentException("the hidden width must be between 1 and 65536");
        if (Architecture == ClassifierArchitecture.Conv && (Height != Width || Height % (1 << ConvWidths.Length) != 0))
            throw new ArgumentException($"the conv classifier takes square images divisible by {1 << ConvWidths.Length}, not {Height}x{Width}");
    }
}

/// <summary>
/// How a classifier trains: Adam, mini-batches, a fixed number of epochs, reproducible from the seed. The defaults
/// (constant rate, no jitter, pooled batches) are the recipe the web app's judges were trained with.
/// </summary>
public sealed record ClassifierTraining
{
    /// <summary>The largest <see cref="MaxShift"/>: beyond a few pixels a shift crops the object rather than moving it.</summary>
    public const int MaxShiftLimit = 8;

    public int Epochs { get; init; } = 5;
    public int BatchSize { get; init; } = 128;
    public float LearningRate { get; init; } = 1e-3f;
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>Each training image is moved by up to this many pixels each way, drawn anew every time it is used (0 = off).</summary>
    public int MaxShift { get; init; }

    /// <summary>Each training image is mirrored left-right with probability ½ every time it is used.</summary>
    public bool Mirror { get; init; }

    /// <summary>Fixed-share batches from the set's first images and the rest (null: pooled).</summary>
    public BatchMix? Mix { get; init; }

    public ulong Seed { get; init; } = 1;
    public int Threads { get; init; } = 1;

    public void Validate()
    {
        if (Epochs is < 1 or > 1000) throw new ArgumentException($"epochs must be between 1 and 1000 (got {Epochs})");
        if (BatchSize is < 1 or > 65536) throw new ArgumentException($"batch size must be between 1 and 65536 (got {BatchSize})");
        if (!float.IsFinite(LearningRate) || LearningRate <= 0 || LearningRate > 1) throw new ArgumentException($"learning rate must be in (0, 1] (got {LearningRate})");
        if (Threads < 1) throw new ArgumentException("threads must be positive");
        if (MaxShift is < 0 or > MaxShiftLimit) throw new ArgumentException($"the shift must be between 0 and {MaxShiftLimit} pixels (got {MaxShift})");
        if (Mix is not null)
        {
            Mix.Validate();
            Mix.FirstPerBatch(BatchSize);
        }
    }
}
