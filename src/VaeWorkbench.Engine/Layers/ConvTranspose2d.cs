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
    private readonly WinogradConvTranspose? _winograd;
    private readonly PhaseConvTranspose? _phases;

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
        if (WinogradConvTranspose.Applies(_geometry, inChannels)) _winograd = WinogradConvTranspose.Create(_geometry, inChannels);
        else if (PhaseConvTranspose.Applies(_geometry, inChannels)) _phases = new PhaseConvTranspose(_geometry, inChannels);
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
        var fused = relu && _winograd is not null;
        var y = Run(input, batch, fused);
        if (relu && !fused) RectifyInPlace(y, batch);
        return y;
    }

    private int? _preparedVersion; // the weight version _winograd or _phases holds, when known

    // x:(B·IH·IW, InC) -> y:(B,OH,OW,OutC) by Winograd or per-phase dot products where they apply (see the constructor);
    // otherwise per slice of S images: col:(S·IH·IW, K·K·OutC) = x·W -> y:(S,OH,OW,OutC) = col2im(col) + b
    private float[] Run(float[] input, int batch, bool relu)
    {
        CheckBatch(input, batch, InputSize, "input");
        var y = OutputBuffer(batch);
        if (_winograd is not null || _phases is not null)
        {
            if (_preparedVersion != Weight.Version)
            {
                _winograd?.TransformWeights(Weight.Value);
                _phases?.ArrangeWeights(Weight.Value);
                _preparedVersion = Weight.Version;
            }
            if (_winograd is not null) ForwardWinograd(_winograd, input, y, batch, relu);
            else ForwardPhases(_phases!, input, y, batch);
            return y;
        }
        // Slices of the batch, so that x·W's output is still in L2 when col2im reads it back: for the conv preset's
        // first layer a batch of 256 makes 25 MB of columns, which whole went out to memory and back (measured with
        // `bench generate-breakdown`). Threads take whole slices; each image's bits do not depend on the slicing,
        // because a GEMM row's products do not depend on how many rows the call has.
        var perImage = _geometry.Patches * _geometry.PatchSize;
        var slice = SgemmRowsInPlace.WholeGroups(SliceColumnBytes / (perImage * sizeof(float)), _geometry.Patches);
        var slices = (batch + slice - 1) / slice;
        Parallelism.For(slices, Threads, 1, (s0, s1) =>
        {
            var columns = t_columns is { } c && c.Length >= slice * perImage ? c : t_columns = new float[slice * perImage];
            for (var s = s0; s < s1; s++) ForwardSlice(input, y, s * slice, Math.Min(slice, batch - s * slice), columns);
        });
        return y;
    }

    private const int SliceColumnBytes = 512 * 1024;

    [ThreadStatic] private static float[]? t_columns;
    [ThreadStatic] private static float[]? t_winogradScratch;

    // Kernel 4, stride 2, padding 1 by Winograd (see WinogradConvTranspose). Slices of the batch keep their transformed
    // input and products in L2; every tile is computed on its own, so the bits do not depend on the slicing or the
    // thread count.
    private void ForwardWinograd(WinogradConvTranspose winograd, float[] input, float[] y, int batch, bool relu)
    {
        var slice = SgemmRowsInPlace.WholeGroups(WinogradSliceBytes / (winograd.ScratchSize(1) * sizeof(float)), winograd.TilesPerImage);
        var slices = (batch + slice - 1) / slice;
        Parallelism.For(slices, Threads, 1, (s0, s1) =>
        {
            var size = winograd.ScratchSize(slice);
            var scratch = AlignedBuffer.Get(ref t_winogradScratch, size).Span;
            for (var s = s0; s < s1; s++)
            {
                var (first, count) = (s * slice, Math.Min(slice, batch - s * slice));
                winograd.Forward(input.AsSpan(first * InputSize, count * InputSize), Bias.Value, y.AsSpan(first * OutputSize, count * OutputSize), count, scratch, relu);
            }
        });
    }

    // Kernel 4, stride 2, padding 1 into a few output channels: direct dot products (see PhaseConvTranspose), images
    // shared out among the threads.
    private void ForwardPhases(PhaseConvTranspose phases, float[] input, float[] y, int batch)
    {
        Parallelism.For(batch, Threads, 8, (first, end) =>
        {
            var scratch = AlignedBuffer.Get(ref t_winogradScratch, phases.ScratchSize).Span;
            phases.Forward(input.AsSpan(first * InputSize, (end - first) * InputSize), Bias.Value, y.AsSpan(first * OutputSize, (end - first) * OutputSize), end - first, scratch);
        });
    }

    // About one core's L2 here (1 MB): the transform weights of a phase stream through it once per slice, so larger
    // slices than col2im's pay off (512 KB to 1 MB measured alike, 256 KB a third slower).
    private const int WinogradSliceBytes = 1024 * 1024;

    // x:(S·IH·IW, InC) of images first.. -> y:(S,OH,OW,OutC), on this thread
    private void ForwardSlice(float[] input, float[] y, int first, int count, float[] columns)
    {
        var rows = count * _geometry.Patches;
        var k = _geometry.PatchSize;
        var x = input.AsSpan(first * InputSize, count * InputSize);
        // Few columns (one output channel: 16): packing x would cost as much as the product. Many (512): packing pays.
        if (k <= 64 && SgemmRowsInPlace.Supports(k)) SgemmRowsInPlace.Multiply(rows, k, _inChannels, x, _inChannels, Weight.Value, k, columns, k);
        else Sgemm.Multiply(false, false, rows, k, _inChannels, 1f, x, _inChannels, Weight.Value, k, 0f, columns, k);
        var image = y.AsSpan(first * OutputSize, count * OutputSize);
        Im2Col.Accumulate(_geometry, columns.AsSpan(0, rows * k), image, count, threads: 1);
        ElementWise.AddRowVector(image, Bias.Value, count * _geometry.ImageH * _geometry.ImageW);
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
