namespace VaeWorkbench.Engine.Model;

public enum VaeArchitecture { Mlp, Conv }

/// <summary>How the decoder's output is scored against the image (see <see cref="Losses.ReconstructionLoss"/>).</summary>
public enum ReconstructionKind
{
    /// <summary>BCE with logits, summed over pixels: the DESIGN.md §3 reference loss.</summary>
    Bernoulli,
    /// <summary>Gaussian NLL around σ(logit) with the fixed standard deviation <see cref="VaeConfig.ObservationScale"/>.</summary>
    Gaussian,
    /// <summary>Gaussian NLL with one learned log-variance shared by all pixels.</summary>
    GaussianLearned,
    /// <summary>Sum of squared errors of σ(logit) (not a likelihood).</summary>
    Mse,
    /// <summary>Laplace NLL around σ(logit) with the fixed scale <see cref="VaeConfig.ObservationScale"/> (an L1 loss plus a constant).</summary>
    Laplace,
}

/// <summary>Everything that defines a VAE's shape and likelihood; saved in the model file so it can be rebuilt.</summary>
public sealed record VaeConfig
{
    public VaeArchitecture Architecture { get; init; } = VaeArchitecture.Mlp;
    public int Channels { get; init; } = 1;
    public int Height { get; init; } = 28;
    public int Width { get; init; } = 28;
    public int Latent { get; init; } = 20;

    /// <summary>MLP hidden sizes, encoder order (the decoder mirrors them).</summary>
    public int[] Hidden { get; init; } = [400];

    /// <summary>Conv channel widths, encoder order; each conv (k4, s2, p1) halves the image.</summary>
    public int[] ConvWidths { get; init; } = [32, 64];

    /// <summary>Width of the dense layer between the conv stack and the latent heads.</summary>
    public int ConvDense { get; init; } = 256;

    public ReconstructionKind Loss { get; init; } = ReconstructionKind.Bernoulli;

    /// <summary>σ for <see cref="ReconstructionKind.Gaussian"/>, b for <see cref="ReconstructionKind.Laplace"/>, the initial σ for the learned Gaussian.</summary>
    public float ObservationScale { get; init; } = 0.1f;

    /// <summary>
    /// Classes of a conditional VAE (0: unconditional). The class enters as a one-hot vector appended to the encoder's
    /// features (the image for mlp, the flattened conv output for conv) and to z at the decoder's input (see
    /// <see cref="Layers.ConcatCondition"/>). Model files written before this field load as unconditional.
    /// </summary>
    public int ClassCount { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public bool Conditional => ClassCount > 0;

    /// <summary>Largest class count a conditional model accepts (the one-hot widens two layers by this much).</summary>
    public const int MaxClasses = 1000;

    [System.Text.Json.Serialization.JsonIgnore]
    public int PixelCount => Channels * Height * Width;

    /// <summary>DESIGN.md §3 `mlp`: 784 -> 400 ReLU -> (μ, log σ²) 20; 20 -> 400 ReLU -> 784 logits.</summary>
    public static VaeConfig MlpPreset(int channels = 1, int size = 28) =>
        new() { Architecture = VaeArchitecture.Mlp, Channels = channels, Height = size, Width = size, Latent = 20, Hidden = [400] };

    /// <summary>
    /// DESIGN.md §3 `conv`: Conv32 k4s2p1 ReLU, Conv64 ReLU, 3136 -> 256 ReLU, heads 16; mirrored with transposed convs.
    /// At 64 px a third stride-2 stage (Conv128) brings the grid to 8×8, so the dense layer takes 8192 values rather than
    /// the 16,384 of a 16×16×64 grid, whose 4.2M-weight dense pair would dominate the model (README "Architectures").
    /// </summary>
    public static VaeConfig ConvPreset(int channels = 1, int size = 28) =>
        new() { Architecture = VaeArchitecture.Conv, Channels = channels, Height = size, Width = size, Latent = 16, ConvWidths = ConvPresetWidths(size), ConvDense = 256 };

    /// <summary>The conv preset's channel widths for an image size: two stages up to 32 px, three from 64 px.</summary>
    public static int[] ConvPresetWidths(int size) => size >= 64 ? [32, 64, 128] : [32, 64];

    public void Validate()
    {
        // A config can come from a model file, so arrays may be missing even though the types say otherwise.
        if (Hidden is null || ConvWidths is null) throw new ArgumentException("the config lacks its hidden sizes or conv widths");
        if (Channels is not (1 or 3)) throw new ArgumentException($"images must have 1 or 3 channels, not {Channels}");
        if (Height <= 0 || Width <= 0 || Height > 4096 || Width > 4096) throw new ArgumentException($"image size {Height}x{Width} is out of range");
        if (Latent is <= 0 or > 4096) throw new ArgumentException($"latent size must be between 1 and 4096, not {Latent}");
        if (ClassCount is < 0 or > MaxClasses) throw new ArgumentException($"a conditional model takes between 1 and {MaxClasses} classes, not {ClassCount}");
        if (!float.IsFinite(ObservationScale) || ObservationScale <= 0) throw new ArgumentException($"observation scale must be positive, not {ObservationScale}");
        if (Architecture == VaeArchitecture.Mlp)
        {
            if (Hidden.Length == 0 || Hidden.Any(h => h is <= 0 or > 65536)) throw new ArgumentException("MLP hidden sizes must be between 1 and 65536");
        }
        else
        {
            if (Height != Width || Height is not (28 or 32 or 64)) throw new ArgumentException($"the conv architecture takes square 28, 32 or 64 pixel images, not {Height}x{Width}");
            if (ConvWidths.Length == 0 || ConvWidths.Any(w => w is <= 0 or > 4096)) throw new ArgumentException("conv widths must be between 1 and 4096");
            if (Height % (1 << ConvWidths.Length) != 0) throw new ArgumentException($"{ConvWidths.Length} stride-2 convs do not divide a {Height} pixel image evenly");
            if (ConvDense is <= 0 or > 65536) throw new ArgumentException("the conv dense width must be between 1 and 65536");
        }
        if (Hidden.Length > 64 || ConvWidths.Length > 8) throw new ArgumentException("too many layers (at most 64 hidden layers or 8 convs)");
        var parameters = EstimateParameterCount();
        if (parameters > MaxParameters) throw new ArgumentException($"the model would have {parameters:N0} parameters, more than the {MaxParameters:N0} limit");
    }

    /// <summary>An upper bound on trainable values, so an absurd config (typed or read from a file) fails before allocating.</summary>
    public const long MaxParameters = 200_000_000;

    /// <summary>The number of weights and biases the config implies (the largest single tensor must also fit an array).</summary>
    public long EstimateParameterCount()
    {
        long total = 0;
        if (Conditional) total += 2L * ClassCount * (Architecture == VaeArchitecture.Mlp ? Hidden[0] : ConvDense); // class columns of the first encoder and decoder Linear
        void Dense(long inputs, long outputs) => total += 2 * (inputs + 1) * outputs; // encoder and mirrored decoder alike
        if (Architecture == VaeArchitecture.Mlp)
        {
            long width = (long)Channels * Height * Width;
            foreach (var h in Hidden)
            {
                Dense(width, h);
                width = h;
            }
            Dense(width, 2L * Latent);
            return total;
        }
        long channels = Channels, size = Height;
        foreach (var w in ConvWidths)
        {
            Dense(channels * 16, w); // a k4 conv and the transposed conv that mirrors it
            channels = w;
            size /= 2;
        }
        Dense(channels * size * size, ConvDense);
        Dense(ConvDense, 2L * Latent);
        return total;
    }
}
