using VaeWorkbench.Engine.Kernels;

namespace VaeWorkbench.Engine.Layers;

/// <summary>
/// 2-D convolution on channels-last (B, H, W, C) samples by im2col + GEMM. The weight is stored (OutC, KH, KW, InC):
/// PyTorch's (OutC, InC, KH, KW) with the input channel moved last, so one patch row times Wᵀ gives one output pixel.
/// The input gradient is the transposed convolution of the output gradient with the same weight, so it runs on the
/// transposed layer's fast paths (<see cref="TransposedConvolution"/>: Winograd for kernel 4, stride 2, padding 1).
/// </summary>
public sealed class Conv2d : Layer
{
    private readonly ConvGeometry _geometry;
    private float[] _columns = [];

    public Conv2d(string name, int inChannels, int outChannels, int kernel, int stride, int padding, int height, int width)
    {
        _geometry = new ConvGeometry(height, width, inChannels, kernel, kernel, stride, padding);
        _geometry.Validate();
        if (outChannels <= 0) throw new ArgumentException($"Conv2d {name}: output channels must be positive");
        OutChannels = outChannels;
        Weight = new Parameter(name + ".weight", outChannels, kernel, kernel, inChannels);
        Bias = new Parameter(name + ".bias", outChannels);
    }

    public int OutChannels { get; }
    public int InChannels => _geometry.Channels;
    public int InHeight => _geometry.ImageH;
    public int InWidth => _geometry.ImageW;
    public int Kernel => _geometry.KernelH;
    public int Stride => _geometry.Stride;
    public int Padding => _geometry.Padding;
    public int OutHeight => _geometry.GridH;
    public int OutWidth => _geometry.GridW;
    public Parameter Weight { get; }
    public Parameter Bias { get; }
    public override int InputSize => _geometry.ImageSize;
    public override int OutputSize => _geometry.Patches * OutChannels;
    public override IReadOnlyList<Parameter> Parameters => [Weight, Bias];

    public override void Initialize(Rng rng)
    {
        Weight.InitUniform(rng, _geometry.PatchSize);
        Bias.InitUniform(rng, _geometry.PatchSize);
    }

    // x:(B,H,W,InC) -> col:(B·OH·OW, K·K·InC) -> y:(B·OH·OW, OutC) = col·Wᵀ + b
    public override float[] Forward(float[] input, int batch)
    {
        CheckBatch(input, batch, InputSize, "input");
        var rows = batch * _geometry.Patches;
        var col = Grow(ref _columns, rows * _geometry.PatchSize); // Backward needs the patches for dW
        Im2Col.Extract(_geometry, input.AsSpan(0, batch * InputSize), col, batch, Threads);
        var y = OutputBuffer(batch);
        ElementWise.BroadcastRows(y, Bias.Value, rows);
        Sgemm.Multiply(false, true, rows, OutChannels, _geometry.PatchSize, 1f, col, _geometry.PatchSize, Weight.Value, _geometry.PatchSize, 1f, y, OutChannels, Threads);
        return y;
    }

    // dy:(B·OH·OW, OutC) -> dW = dyᵀ·col, db = Σ_rows dy, dx = col2im(dy·W): the transposed convolution of dy with W
    public override float[] Backward(float[] outputGradient, int batch)
    {
        CheckBatch(outputGradient, batch, OutputSize, "output gradient");
        var rows = batch * _geometry.Patches;
        var k = _geometry.PatchSize;
        Sgemm.Multiply(true, false, OutChannels, k, rows, 1f, outputGradient, OutChannels, _columns, k, 0f, Weight.Grad, k, Threads);
        ElementWise.SumRows(outputGradient, Bias.Grad, rows);
        if (!NeedsInputGradient) return [];
        // W (OutC, K, K, InC) is a transposed conv's weight from OutC to InC channels over the same geometry. Created on
        // first use: a network's first conv, and a model only run for inference, never need it.
        if (_inputGradient is null)
        {
            _inputGradient = new TransposedConvolution(_geometry, OutChannels);
            _zeroBias = new float[InChannels];
        }
        if (_inputGradient.KeepsWeights) _inputGradient.Prepare(Weight.Value); // the weights change between steps
        var dx = InputGradientBuffer(batch);
        _inputGradient.Run(outputGradient, _zeroBias, Weight.Value, dx, batch, relu: false, Threads);
        return dx;
    }

    private TransposedConvolution? _inputGradient;
    private float[] _zeroBias = [];
}
