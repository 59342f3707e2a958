namespace VaeWorkbench.Engine.Generation;

/// <summary>Where a generated sample's latent code comes from.</summary>
public enum GenerationMode
{
    /// <summary>z ~ N(0, T²·I).</summary>
    Prior,
    /// <summary>z ~ N(μ(x), (spread·σ(x))²) around chosen real images x.</summary>
    Variations,
    /// <summary>z ~ N(m_c, T²·diag(v_c)), a Gaussian fitted to class c's posterior means; labelled c.</summary>
    PerClass,
    /// <summary>slerp(μ(a), μ(b), t) for random same-class pairs (a, b) and t ~ U(0, 1); labelled with the class.</summary>
    Interpolate,
}

/// <summary>Which space the near-duplicate filter measures L2 distance in.</summary>
public enum DuplicateSpace { Pixel, Latent }

/// <summary>
/// What to generate. <see cref="Temperature"/> scales prior and per-class draws; <see cref="Spread"/> scales σ for
/// variations. <see cref="ImageIndices"/> picks the source images for variations (null: every image);
/// <see cref="Classes"/> restricts per-class and interpolation modes to these labels (null: every class present).
/// </summary>
public sealed record GenerationRequest
{
    public const int MaxCount = 100_000;

    public GenerationMode Mode { get; init; } = GenerationMode.Prior;
    public int Count { get; init; } = 16;
    public float Temperature { get; init; } = 1f;
    public float Spread { get; init; } = 1f;
    public ulong Seed { get; init; } = 1;
    public IReadOnlyList<int>? ImageIndices { get; init; }
    public IReadOnlyList<int>? Classes { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> with a message a user can act on.</summary>
    public void Validate()
    {
        if (Count is < 1 or > MaxCount) throw new ArgumentException($"count must be between 1 and {MaxCount} (got {Count})");
        if (!float.IsFinite(Temperature) || Temperature < 0.1f || Temperature > 2f) throw new ArgumentException($"temperature must be between 0.1 and 2.0 (got {Temperature})");
        if (!float.IsFinite(Spread) || Spread < 0f || Spread > 10f) throw new ArgumentException($"spread must be between 0 and 10 (got {Spread})");
    }
}

/// <summary>
/// The optional quality filter. <see cref="MaxElboPercentile"/>: drop samples whose re-encoded negative ELBO is above
/// that percentile (0–100) of the training images' scores. <see cref="MinDuplicateDistance"/>: drop samples whose
/// nearest training image is closer than this L2 distance in <see cref="DuplicateSpace"/> (pixels in [0, 1], or
/// posterior means). <see cref="ReferenceLimit"/> caps how many training images the two filters compare against.
/// </summary>
public sealed record GenerationFilter
{
    public double? MaxElboPercentile { get; init; }
    public float? MinDuplicateDistance { get; init; }
    public DuplicateSpace DuplicateSpace { get; init; } = DuplicateSpace.Pixel;
    public int ReferenceLimit { get; init; } = 10_000;

    public bool IsActive => MaxElboPercentile is not null || MinDuplicateDistance is not null;

    public void Validate()
    {
        if (MaxElboPercentile is { } p && (!double.IsFinite(p) || p <= 0 || p > 100)) throw new ArgumentException($"the ELBO percentile must be in (0, 100] (got {p})");
        if (MinDuplicateDistance is { } d && (!float.IsFinite(d) || d < 0)) throw new ArgumentException($"the duplicate distance must be a non-negative number (got {d})");
        if (ReferenceLimit < 1) throw new ArgumentException("the reference limit must be positive");
    }
}
