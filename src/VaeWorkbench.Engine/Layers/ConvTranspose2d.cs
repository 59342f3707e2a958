using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Engine.Layers;

/// <summary>
/// Transposed 2-D convolution on channels-last samples: x·W gives every input pixel's (K, K, OutC) patch, and col2im
/// adds the overlapping patches into the output. The weight is stored (InC, KH, KW, OutC), PyTorch's (InC, OutC, KH, KW)
/// with the output channel moved last. Output size = (In − 1)·stride − 2·padding + kernel, as PyTorch without output_padding.
/// </summary>
public sealed class ConvTranspose2d : Layer
{
    private readonly ConvGeometry _geometry; // image = this layer's output, grid = its input
    private readonly int _inChannels;
    private float[] _input = [];
    private float[] _columns = [];
    private readonly TransposedConvolution _transposed;

    public ConvTranspose2d(string name, int inChannels, int outChannels, int kernel, int stride, int padding, int inHeight, int inWidth)
    {
        if (inChannels <= 0 || inHeight <= 0 || inWidth <= 0) throw new ArgumentException($"ConvTranspose2d {name}: sizes must be positive");
        var outH = (inHeight - 1) * stride - 2 * padding + kernel;
        var outW = (inWidth - 1) * stride - 2 * padding + kernel;
        _geometry = new ConvGeometry(outH, outW, outChannels, kernel, kernel, stride, padding);
        _geometry.Validate();
        if (_geometry.GridH != inHeight || _geometry.GridW != inWidth)
            throw new ArgumentException($"ConvTranspose2d {name}: geometry does not invert ({inHeight}x{inWidth} -> {outH}x{outW})");
        _inChannels = inChannels;
        _transposed = new TransposedConvolution(_geometry, inChannels);
        Weight = new Parameter(name + ".weight", inChannels, kernel, kernel, outChannels);
        Bias = new Parameter(name + ".bias", outChannels);
    }

    public int InChannels => _inChannels;
    public int OutChannels => _geometry.Channels;
    public int InHeight => _geometry.GridH;
    public int InWidth => _geometry.GridW;
    public int Kernel => _geometry.KernelH;
    public int Stride => _geometry.Stride;
    public int Padding => _geometry.Padding;
    public int OutHeight => _geometry.ImageH;
    public int OutWidth => _geometry.ImageW;
    public Parameter Weight { get; }
    public Parameter Bias { get; }
    public override int InputSize => _geometry.Patches * _inChannels;
    public override int OutputSize => _geometry.ImageSize;
    public override IReadOnlyList<Parameter> Parameters => [Weight, Bias];

    public override void Initialize(Rng rng)
    {
        // PyTorch computes fan-in from weight.size(1)·K·K, which for a transposed conv is OutC·K·K.
        var fanIn = _geometry.PatchSize;
        Weight.InitUniform(rng, fanIn);
        Bias.InitUniform(rng, fanIn);
    }

    public override float[] Forward(float[] input, int batch)
    {
        _input = input; // Backward needs x for dW
        _preparedVersion = null; // training may change the weights without announcing it (gradient checks do)
        return Run(input, batch, relu: false);
    }

    // Winograd rectifies as it writes y; the transformed (or rearranged) weights are kept while Weight.Version stays.
    public override float[] Infer(float[] input, int batch, bool relu)
    {
        var fused = relu && _transposed.FusesRelu;
        var y = Run(input, batch, fused);
        if (relu && !fused) RectifyInPlace(y, batch);
        return y;
    }

    private int? _preparedVersion; // the weight version _transposed holds, when known

    // x:(B·IH·IW, InC) -> y:(B,OH,OW,OutC) by Winograd or per-phase dot products where they apply, otherwise x·W and
    // col2im over slices of the batch (see TransposedConvolution)
    private float[] Run(float[] input, int batch, bool relu)
    {
        CheckBatch(input, batch, InputSize, "input");
        var y = OutputBuffer(batch);
        if (_transposed.KeepsWeights && _preparedVersion != Weight.Version)
        {
            _transposed.Prepare(Weight.Value);
            _preparedVersion = Weight.Version;
        }
        _transposed.Run(input, Bias.Value, Weight.Value, y, batch, relu, Threads);
        return y;
    }

    // dy:(B,OH,OW,OutC) -> dcol = im2col(dy); dW = xᵀ·dcol; db = Σ dy per channel; dx = dcol·Wᵀ
    public override float[] Backward(float[] outputGradient, int batch)
    {
        CheckBatch(outputGradient, batch, OutputSize, "output gradient");
        var rows = batch * _geometry.Patches;
        var k = _geometry.PatchSize;
        Im2Col.Extract(_geometry, outputGradient.AsSpan(0, batch * OutputSize), Grow(ref _columns, rows * k), batch, Threads);
        Sgemm.Multiply(true, false, _inChannels, k, rows, 1f, _input, _inChannels, _columns, k, 0f, Weight.Grad, k, Threads);
        ElementWise.SumRows(outputGradient, Bias.Grad, batch * _geometry.ImageH * _geometry.ImageW);
        if (!NeedsInputGradient) return [];
        var dx = InputGradientBuffer(batch);
        Sgemm.Multiply(false, true, rows, _inChannels, k, 1f, _columns, k, Weight.Value, k, 0f, dx, _inChannels, Threads);
        return dx;
    }
}
