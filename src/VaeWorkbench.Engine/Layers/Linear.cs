using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Engine.Layers;

/// <summary>y = x·Wᵀ + b, as torch.nn.Linear.</summary>
public sealed class Linear : Layer
{
    private float[] _input = [];

    public Linear(string name, int inFeatures, int outFeatures)
    {
        if (inFeatures <= 0 || outFeatures <= 0) throw new ArgumentException($"Linear {name}: sizes must be positive ({inFeatures} -> {outFeatures})");
        In = inFeatures;
        Out = outFeatures;
        Weight = new Parameter(name + ".weight", outFeatures, inFeatures);
        Bias = new Parameter(name + ".bias", outFeatures);
    }

    public int In { get; }
    public int Out { get; }
    public Parameter Weight { get; }
    public Parameter Bias { get; }
    public override int InputSize => In;
    public override int OutputSize => Out;
    public override IReadOnlyList<Parameter> Parameters => [Weight, Bias];

    public override void Initialize(Rng rng)
    {
        Weight.InitUniform(rng, In);
        Bias.InitUniform(rng, In);
    }

    // x:(B,In) w:(Out,In) b:(Out) -> y:(B,Out)
    public override float[] Forward(float[] input, int batch)
    {
        CheckBatch(input, batch, In, "input");
        _input = input; // Backward needs x for dW
        var y = OutputBuffer(batch);
        ElementWise.BroadcastRows(y, Bias.Value, batch);
        Sgemm.Multiply(false, true, batch, Out, In, 1f, input, In, Weight.Value, In, 1f, y, Out, Threads);
        return y;
    }

    // Forward with W packed for the GEMM once and kept while Weight.Version stays: packing (a transpose, since W is
    // stored (Out, In)) was a tenth of the decoder's largest product on every call.
    public override float[] Infer(float[] input, int batch, bool relu)
    {
        CheckBatch(input, batch, In, "input");
        if (_packedWeight is null || _packedVersion != Weight.Version)
        {
            _packedWeight = Sgemm.PackB(true, Out, In, Weight.Value, In);
            _packedVersion = Weight.Version;
        }
        var y = OutputBuffer(batch);
        ElementWise.BroadcastRows(y, Bias.Value, batch);
        Sgemm.Multiply(false, batch, 1f, input, In, _packedWeight, 1f, y, Out, Threads);
        if (relu) RectifyInPlace(y, batch);
        return y;
    }

    private SgemmPackedB? _packedWeight;
    private int _packedVersion;

    // dy:(B,Out) -> dW:(Out,In) = dyᵀ·x, db:(Out) = Σ_rows dy, dx:(B,In) = dy·W
    public override float[] Backward(float[] outputGradient, int batch)
    {
        CheckBatch(outputGradient, batch, Out, "output gradient");
        Sgemm.Multiply(true, false, Out, In, batch, 1f, outputGradient, Out, _input, In, 0f, Weight.Grad, In, Threads);
        ElementWise.SumRows(outputGradient, Bias.Grad, batch);
        if (!NeedsInputGradient) return [];
        var dx = InputGradientBuffer(batch);
        Sgemm.Multiply(false, false, batch, In, Out, 1f, outputGradient, Out, Weight.Value, In, 0f, dx, In, Threads);
        return dx;
    }
}
