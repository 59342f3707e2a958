namespace VaeWorkbench.Engine.Kernels;

/// <summary>
/// The transposed convolution x:(B·IH·IW, InC) -> y:(B,OH,OW,OutC) = col2im(x·W) + b, with a weight (InC, K, K, OutC),
/// channels last, by the fastest path that applies: Winograd (kernel 4, stride 2, padding 1, channels in sixteens),
/// direct dot products per phase (the same geometry into at most four output channels), otherwise x·W and col2im over
/// slices of the batch. It serves two layers: <see cref="Layers.ConvTranspose2d"/>'s forward pass, and
/// <see cref="Layers.Conv2d"/>'s input gradient, which is the transposed convolution of the output gradient with the
/// conv's own weight: a conv's (OutC, K, K, InC) weight is laid out as a transposed conv's (InC', K, K, OutC') with
/// InC' = OutC. (The conv used x·W into a whole batch of columns and col2im; for the conv preset's second layer those
/// columns are 12.8 MB a batch, written to memory and read back, and 3.2 times the multiplies of Winograd's 7-tile.)
/// Every image is computed on its own, so the bits depend neither on the slicing nor on the thread count.
/// </summary>
internal sealed class TransposedConvolution
{
    private readonly ConvGeometry _geometry; // image = the output, grid = the input
    private readonly int _inChannels;
    private readonly WinogradConvTranspose? _winograd;
    private readonly PhaseConvTranspose? _phases;

    public TransposedConvolution(ConvGeometry geometry, int inChannels)
    {
        (_geometry, _inChannels) = (geometry, inChannels);
        if (WinogradConvTranspose.Applies(geometry, inChannels)) _winograd = WinogradConvTranspose.Create(geometry, inChannels);
        else if (PhaseConvTranspose.Applies(geometry, inChannels)) _phases = new PhaseConvTranspose(geometry, inChannels);
    }

    /// <summary>True when <see cref="Run"/> can apply max(y, 0) as it writes y (the Winograd path).</summary>
    public bool FusesRelu => _winograd is not null;

    /// <summary>True when the weight must be handed to <see cref="Prepare"/> after every change (Winograd and phases keep a form of it).</summary>
    public bool KeepsWeights => _winograd is not null || _phases is not null;

    private int InputSize => _geometry.Patches * _inChannels;

    /// <summary>Turns the weight (InC, K, K, OutC) into the form the fast paths read; call it whenever the weight changed.</summary>
    public void Prepare(ReadOnlySpan<float> weight)
    {
        _winograd?.TransformWeights(weight);
        _phases?.ArrangeWeights(weight);
    }

    // x:(B·IH·IW, InC) w:(InC, K, K, OutC) b:(OutC) -> y:(B,OH,OW,OutC); with `relu` (only where FusesRelu) max(y, 0)
    public void Run(float[] input, float[] bias, float[] weight, float[] y, int batch, bool relu, int threads)
    {
        if (relu && !FusesRelu) throw new ArgumentException("only the Winograd path applies the ReLU as it writes", nameof(relu));
        if (_winograd is not null) RunWinograd(_winograd, input, bias, y, batch, relu, threads);
        else if (_phases is not null) RunPhases(_phases, input, bias, y, batch, threads);
        else RunColumns(input, bias, weight, y, batch, threads);
    }

    [ThreadStatic] private static float[]? t_columns;
    [ThreadStatic] private static float[]? t_scratch;

    // About one core's L2 here (1 MB): the transform weights of a phase stream through it once per slice, so larger
    // slices than col2im's pay off (512 KB to 1 MB measured alike, 256 KB a third slower).
    private const int WinogradSliceBytes = 1024 * 1024;

    // Slices of the batch keep their transformed input and products in L2; every tile is computed on its own.
    private void RunWinograd(WinogradConvTranspose winograd, float[] input, float[] bias, float[] y, int batch, bool relu, int threads)
    {
        var (inputSize, outputSize) = (InputSize, _geometry.ImageSize);
        var slice = SgemmRowsInPlace.WholeGroups(WinogradSliceBytes / (winograd.ScratchSize(1) * sizeof(float)), winograd.TilesPerImage);
        var slices = (batch + slice - 1) / slice;
        Parallelism.For(slices, threads, 1, (s0, s1) =>
        {
            var scratch = AlignedBuffer.Get(ref t_scratch, winograd.ScratchSize(slice)).Span;
            for (var s = s0; s < s1; s++)
            {
                var (first, count) = (s * slice, Math.Min(slice, batch - s * slice));
                winograd.Forward(input.AsSpan(first * inputSize, count * inputSize), bias, y.AsSpan(first * outputSize, count * outputSize), count, scratch, relu);
            }
        });
    }

    // Direct dot products per phase, images shared out among the threads.
    private void RunPhases(PhaseConvTranspose phases, float[] input, float[] bias, float[] y, int batch, int threads)
    {
        var (inputSize, outputSize) = (InputSize, _geometry.ImageSize);
        Parallelism.For(batch, threads, 8, (first, end) =>
        {
            var scratch = AlignedBuffer.Get(ref t_scratch, phases.ScratchSize).Span;
            phases.Forward(input.AsSpan(first * inputSize, (end - first) * inputSize), bias, y.AsSpan(first * outputSize, (end - first) * outputSize), end - first, scratch);
        });
    }

    private const int SliceColumnBytes = 512 * 1024;

    // Per slice of S images: col:(S·IH·IW, K·K·OutC) = x·W -> y = col2im(col) + b. Slices keep x·W's output in L2 when
    // col2im reads it back: for the conv preset's first transposed layer a batch of 256 made 25 MB of columns, which went
    // out to memory and back (measured with `bench generate-breakdown`). Threads take whole slices; a GEMM row's
    // products do not depend on how many rows the call has, so neither do the bits.
    private void RunColumns(float[] input, float[] bias, float[] weight, float[] y, int batch, int threads)
    {
        var perImage = _geometry.Patches * _geometry.PatchSize;
        var slice = SgemmRowsInPlace.WholeGroups(SliceColumnBytes / (perImage * sizeof(float)), _geometry.Patches);
        var slices = (batch + slice - 1) / slice;
        Parallelism.For(slices, threads, 1, (s0, s1) =>
        {
            var columns = t_columns is { } c && c.Length >= slice * perImage ? c : t_columns = new float[slice * perImage];
            for (var s = s0; s < s1; s++) RunSlice(input, bias, weight, y, s * slice, Math.Min(slice, batch - s * slice), columns);
        });
    }

    // x:(S·IH·IW, InC) of images first.. -> y:(S,OH,OW,OutC), on this thread
    private void RunSlice(float[] input, float[] bias, float[] weight, float[] y, int first, int count, float[] columns)
    {
        var rows = count * _geometry.Patches;
        var k = _geometry.PatchSize;
        var x = input.AsSpan(first * InputSize, count * InputSize);
        // Few columns (one output channel: 16): packing x would cost as much as the product. Many (512): packing pays.
        if (k <= 64 && SgemmRowsInPlace.Supports(k)) SgemmRowsInPlace.Multiply(rows, k, _inChannels, x, _inChannels, weight, k, columns, k);
        else Sgemm.Multiply(false, false, rows, k, _inChannels, 1f, x, _inChannels, weight, k, 0f, columns, k);
        var image = y.AsSpan(first * _geometry.ImageSize, count * _geometry.ImageSize);
        Im2Col.Accumulate(_geometry, columns.AsSpan(0, rows * k), image, count, threads: 1);
        ElementWise.AddRowVector(image, bias, count * _geometry.ImageH * _geometry.ImageW);
    }
}
