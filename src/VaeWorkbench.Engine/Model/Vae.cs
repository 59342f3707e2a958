using VaeWorkbench.Engine.Layers;
using VaeWorkbench.Engine.Losses;

namespace VaeWorkbench.Engine.Model;

/// <summary>Sums over a batch of the two parts of the negative ELBO, in nats.</summary>
public readonly record struct BatchLoss(double Reconstruction, double Kl)
{
    public double Total => Reconstruction + Kl;
}

/// <summary>
/// A variational autoencoder: the encoder maps an image to [μ ‖ log σ²], z = μ + σ·ε (ε from a seeded RNG), and the
/// decoder maps z to logits. Not thread-safe: layers keep their batch buffers, so one caller at a time.
/// </summary>
public sealed partial class Vae
{
    private float[] _eps = [];
    private float[] _z = [];
    private float[] _headGrad = [];
    private float[] _logitGrad = [];
    private double[] _recon = [];
    private double[] _kl = [];
    private int _threads = 1;

    /// <summary>Builds the network and initialises it as PyTorch would, from <paramref name="seed"/>.</summary>
    public Vae(VaeConfig config, ulong seed) : this(config)
    {
        var rng = new Rng(seed);
        Encoder.Initialize(rng);
        Decoder.Initialize(rng);
    }

    /// <summary>Builds the network with zero weights, for a model file to fill in.</summary>
    internal Vae(VaeConfig config)
    {
        Config = config;
        (Encoder, Decoder) = VaeBuilder.Build(config);
        Encoder.SetNeedsInputGradient(false);
        FindConditionLayers();
        Likelihood = new ReconstructionLoss(config.Loss, config.ObservationScale);
        var parameters = Encoder.Parameters.Concat(Decoder.Parameters).ToList();
        if (Likelihood.LogVariance is { } logVariance) parameters.Add(logVariance);
        Parameters = parameters;
    }

    /// <summary>
    /// A copy with the same weights and its own working buffers (and one thread), so that another thread can run
    /// inference at the same time. Later changes to either model's weights do not reach the other.
    /// </summary>
    public Vae Replicate()
    {
        var copy = new Vae(Config);
        for (var i = 0; i < Parameters.Count; i++)
        {
            Parameters[i].Value.CopyTo(copy.Parameters[i].Value, 0);
            copy.Parameters[i].MarkChanged();
        }
        return copy;
    }

    public VaeConfig Config { get; }
    public Sequential Encoder { get; }
    public Sequential Decoder { get; }
    public ReconstructionLoss Likelihood { get; }
    public IReadOnlyList<Parameter> Parameters { get; }
    public int Latent => Config.Latent;
    public int PixelCount => Config.PixelCount;
    public long ParameterCount => Parameters.Sum(p => (long)p.Size);

    public int Threads
    {
        get => _threads;
        set
        {
            if (value <= 0) throw new ArgumentOutOfRangeException(nameof(value), "threads must be positive");
            _threads = value;
            Encoder.SetThreads(value);
            Decoder.SetThreads(value);
        }
    }

    /// <summary>
    /// One training step's forward and backward pass. The objective is mean over images of recon + β·KL; every
    /// parameter's Grad receives its gradient. Returns the batch sums of recon and (unweighted) KL.
    /// </summary>
    // input, target:(B,P) (input differs from target only when denoising), classes:(B) for a conditional model
    public BatchLoss TrainBatch(float[] input, float[] target, int batch, Rng rng, float beta, float freeBits = 0f, ReadOnlySpan<int> classes = default)
    {
        SetClasses(classes, 0, batch, batch);
        return TrainConditionedBatch(input, target, batch, rng, beta, freeBits);
    }

    /// <summary>TrainBatch with whatever condition the <see cref="ConcatCondition"/> layers hold (a gradient check sets real-valued ones).</summary>
    internal BatchLoss TrainConditionedBatch(float[] input, float[] target, int batch, Rng rng, float beta, float freeBits)
    {
        var head = Encoder.Forward(input, batch);
        var z = Reparameterize(head, batch, rng);
        var logits = Decoder.Forward(z, batch);

        var dLogits = Grow(ref _logitGrad, batch * PixelCount);
        var scale = 1f / batch;
        Likelihood.Compute(logits, target, batch, PixelCount, _recon, dLogits, scale);
        KlDivergence.Compute(head, batch, Latent, _kl);

        var dz = Decoder.Backward(dLogits, batch);
        // z = μ + ε·exp(½ lv): ∂z/∂μ = 1, ∂z/∂lv = ½·ε·σ
        var headGrad = Grow(ref _headGrad, batch * 2 * Latent);
        for (var b = 0; b < batch; b++)
        {
            for (var j = 0; j < Latent; j++)
            {
                var i = b * Latent + j;
                var row = b * 2 * Latent;
                var sigma = MathF.Exp(0.5f * head[row + Latent + j]);
                headGrad[row + j] = dz[i];
                headGrad[row + Latent + j] = dz[i] * _eps[i] * 0.5f * sigma;
            }
        }
        KlDivergence.AddGradient(head, batch, Latent, beta * scale, freeBits, headGrad);
        Encoder.Backward(headGrad, batch);
        return Sum(batch);
    }

    /// <summary>The loss of a batch with sampled z and no gradients (PyTorch's reference test loss samples too).</summary>
    public BatchLoss EvaluateBatch(float[] x, int batch, Rng rng, ReadOnlySpan<int> classes = default)
    {
        SetClasses(classes, 0, batch, batch);
        var head = Encoder.Forward(x, batch);
        var logits = Decoder.Forward(Reparameterize(head, batch, rng), batch);
        Likelihood.Compute(logits, x, batch, PixelCount, _recon, default, 0f);
        KlDivergence.Compute(head, batch, Latent, _kl);
        return Sum(batch);
    }

    // head:(B,2L) -> z:(B,L), keeping ε for Backward
    private float[] Reparameterize(float[] head, int batch, Rng rng)
    {
        EnsureBatch(batch);
        var eps = _eps.AsSpan(0, batch * Latent);
        rng.FillGaussian(eps);
        for (var b = 0; b < batch; b++)
        {
            for (var j = 0; j < Latent; j++)
            {
                var row = b * 2 * Latent;
                _z[b * Latent + j] = head[row + j] + eps[b * Latent + j] * MathF.Exp(0.5f * head[row + Latent + j]);
            }
        }
        return _z;
    }

    private BatchLoss Sum(int batch)
    {
        double recon = 0, kl = 0;
        for (var b = 0; b < batch; b++)
        {
            recon += _recon[b];
            kl += _kl[b];
        }
        return new BatchLoss(recon, kl);
    }

    private void EnsureBatch(int batch)
    {
        if (batch <= 0) throw new ArgumentOutOfRangeException(nameof(batch), "batch must be positive");
        Grow(ref _eps, batch * Latent);
        Grow(ref _z, batch * Latent);
        if (_recon.Length < batch)
        {
            _recon = new double[batch];
            _kl = new double[batch];
        }
    }

    private static float[] Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[length];
        return buffer;
    }
}
