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

/// <summary>How a classifier trains: Adam, mini-batches, a fixed number of epochs, reproducible from the seed.</summary>
public sealed record ClassifierTraining
{
    public int Epochs { get; init; } = 5;
    public int BatchSize { get; init; } = 128;
    public float LearningRate { get; init; } = 1e-3f;
    public ulong Seed { get; init; } = 1;
    public int Threads { get; init; } = 1;

    public void Validate()
    {
        if (Epochs is < 1 or > 1000) throw new ArgumentException($"epochs must be between 1 and 1000 (got {Epochs})");
        if (BatchSize is < 1 or > 65536) throw new ArgumentException($"batch size must be between 1 and 65536 (got {BatchSize})");
        if (!float.IsFinite(LearningRate) || LearningRate <= 0 || LearningRate > 1) throw new ArgumentException($"learning rate must be in (0, 1] (got {LearningRate})");
        if (Threads < 1) throw new ArgumentException("threads must be positive");
    }
}
