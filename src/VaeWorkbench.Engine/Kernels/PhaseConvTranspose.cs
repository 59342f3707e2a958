using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VaeWorkbench.Engine.Kernels;

/// <summary>
/// The transposed convolution with kernel 4, stride 2 and padding 1 for a few output channels (an image decoder's last
/// layer: 1 for grey, 3 for RGB) as direct dot products. As in <see cref="WinogradConvTranspose"/>, output pixel
/// (2i + a, 2j + b) meets input pixels (i + a − 1 + t, j + b − 1 + u) through taps (3 − a − 2t, 3 − b − 2u), t, u ∈ {0, 1};
/// so each output value is one dot product of 4·InC input values with 4·InC weights, 16 channels per vector. x·W and
/// col2im instead made 16 partial values per input pixel and scattered them (perf: col2im took as long as the
/// product). Channels last; InC must be a multiple of 16 and the CPU must have AVX-512 (<see cref="Applies"/>).
/// </summary>
internal sealed class PhaseConvTranspose(ConvGeometry geometry, int inChannels)
{
    private const int Lanes = 16;
    public const int MaxOutChannels = 4;

    private readonly int _gridH = geometry.GridH;
    private readonly int _gridW = geometry.GridW;
    private readonly int _outChannels = geometry.Channels;
    private float[]? _weightStorage;
    private Memory<float> _weights; // (phase, OutC, t, u, InC), 64-byte aligned

    public static bool Applies(ConvGeometry g, int inChannels) =>
        g is { KernelH: 4, KernelW: 4, Stride: 2, Padding: 1 } && g.Channels <= MaxOutChannels && inChannels % Lanes == 0
        && Vector512.IsHardwareAccelerated;

    /// <summary>Floats of scratch: one input image with a border of zeros, its rows widened to whole groups of four outputs.</summary>
    public int ScratchSize => (_gridH + 2) * PaddedWidth * inChannels;

    // Columns −1 .. 4·⌈GridW / 4⌉: the last group of four outputs reads zeros past the image, and its extra outputs are dropped.
    private int PaddedWidth => (_gridW + 3) / 4 * 4 + 2;

    /// <summary>The weight (InC, 4, 4, OutC) rearranged as (phase, OutC, t, u, InC): each dot product's weights in a row.</summary>
    public void ArrangeWeights(ReadOnlySpan<float> weight)
    {
        if (weight.Length < 16 * inChannels * _outChannels) throw new ArgumentException("the weight is too small");
        _weights = AlignedBuffer.Get(ref _weightStorage, 4 * _outChannels * 4 * inChannels);
        var arranged = _weights.Span;
        var at = 0;
        for (var phase = 0; phase < 4; phase++)
            for (var o = 0; o < _outChannels; o++)
                for (var t = 0; t < 2; t++)
                    for (var u = 0; u < 2; u++)
                        for (var c = 0; c < inChannels; c++)
                            arranged[at++] = weight[((c * 4 + 3 - (phase >> 1) - 2 * t) * 4 + 3 - (phase & 1) - 2 * u) * _outChannels + o];
    }

    // x:(S, GridH, GridW, InC), bias:(OutC) -> y:(S, 2·GridH, 2·GridW, OutC), with the weights of the last ArrangeWeights
    public void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, int images, Span<float> scratch)
    {
        var weights = _weights.Span;
        var inputSize = _gridH * _gridW * inChannels;
        var outputSize = 4 * _gridH * _gridW * _outChannels;
        if (x.Length < images * inputSize || y.Length < images * outputSize || bias.Length < _outChannels) throw new ArgumentException("operands are too small");
        var padded = scratch[..ScratchSize];
        padded.Clear();
        var paddedRow = PaddedWidth * inChannels;
        for (var image = 0; image < images; image++)
        {
            // Only the interior is written, so the border stays zero from image to image.
            for (var i = 0; i < _gridH; i++)
                x.Slice(image * inputSize + i * _gridW * inChannels, _gridW * inChannels).CopyTo(padded.Slice((i + 1) * paddedRow + inChannels));
            for (var phase = 0; phase < 4; phase++)
                for (var o = 0; o < _outChannels; o++)
                    Phase(padded, weights.Slice((phase * _outChannels + o) * 4 * inChannels), bias[o], phase, y.Slice(image * outputSize + o));
        }
    }

    // One output channel of one phase (`output` starts at that channel): every output pixel (2i + a, 2j + b), four
    // neighbours at a time, which share their weight loads and three of their five input columns (perf: one at a time,
    // loads bounded the kernel).
    private void Phase(ReadOnlySpan<float> padded, ReadOnlySpan<float> weights, float bias, int phase, Span<float> output)
    {
        var (a, b) = (phase >> 1, phase & 1);
        var c = (nuint)inChannels;
        var paddedRow = (nuint)(PaddedWidth * inChannels);
        ref var w = ref MemoryMarshal.GetReference(weights);
        ref var dst = ref MemoryMarshal.GetReference(output);
        var outW = 2 * _gridW;
        var step = 2 * _outChannels; // the next output column of this phase
        for (var i = 0; i < _gridH; i++)
        {
            // Padded row i + a + t holds input row i + a − 1 + t; padded column j + b + u holds input column j + b − 1 + u.
            ref var row = ref Unsafe.Add(ref MemoryMarshal.GetReference(padded), (nuint)(i + a) * paddedRow + (nuint)(b * inChannels));
            ref var outRow = ref Unsafe.Add(ref dst, ((2 * i + a) * outW + b) * _outChannels);
            for (var j = 0; j < _gridW; j += 4)
            {
                var sums = DotFour(ref Unsafe.Add(ref row, (nuint)j * c), c, paddedRow, ref w) + Vector128.Create(bias);
                ref var first = ref Unsafe.Add(ref outRow, j * step);
                var valid = Math.Min(4, _gridW - j);
                for (var q = 0; q < valid; q++) Unsafe.Add(ref first, q * step) = sums.GetElement(q);
            }
        }
    }

    // Four neighbouring output values: pixel q reads padded columns q and q + 1 of rows 0 and 1 from p.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> DotFour(ref float p, nuint c, nuint paddedRow, ref float w)
    {
        var (s0, s1, s2, s3) = (Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero);
        for (nuint k = 0; k < c; k += Lanes)
        {
            var (w00, w01, w10, w11) = (Vector512.LoadUnsafe(ref w, k), Vector512.LoadUnsafe(ref w, c + k), Vector512.LoadUnsafe(ref w, 2 * c + k), Vector512.LoadUnsafe(ref w, 3 * c + k));
            ref var top = ref Unsafe.Add(ref p, k);
            ref var bottom = ref Unsafe.Add(ref p, paddedRow + k);
            var (t0, t1, b0, b1) = (Vector512.LoadUnsafe(ref top), Vector512.LoadUnsafe(ref top, c), Vector512.LoadUnsafe(ref bottom), Vector512.LoadUnsafe(ref bottom, c));
            s0 = Taps(s0, t0, t1, b0, b1, w00, w01, w10, w11);
            var (t2, b2) = (Vector512.LoadUnsafe(ref top, 2 * c), Vector512.LoadUnsafe(ref bottom, 2 * c));
            s1 = Taps(s1, t1, t2, b1, b2, w00, w01, w10, w11);
            var (t3, b3) = (Vector512.LoadUnsafe(ref top, 3 * c), Vector512.LoadUnsafe(ref bottom, 3 * c));
            s2 = Taps(s2, t2, t3, b2, b3, w00, w01, w10, w11);
            var (t4, b4) = (Vector512.LoadUnsafe(ref top, 4 * c), Vector512.LoadUnsafe(ref bottom, 4 * c));
            s3 = Taps(s3, t3, t4, b3, b4, w00, w01, w10, w11);
        }
        // Four horizontal sums at once: halve each vector, then pairwise adds across the four.
        var (h0, h1, h2, h3) = (s0.GetLower() + s0.GetUpper(), s1.GetLower() + s1.GetUpper(), s2.GetLower() + s2.GetUpper(), s3.GetLower() + s3.GetUpper());
        var pairs = Avx.HorizontalAdd(Avx.HorizontalAdd(h0, h1), Avx.HorizontalAdd(h2, h3)); // lanes 0–3 and 4–7: halves of the sums 0..3
        return pairs.GetLower() + pairs.GetUpper();
    }

    // sum + the four taps of one output: its two input columns in the top and the bottom row, times their weights.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Taps(Vector512<float> sum, Vector512<float> topLeft, Vector512<float> topRight, Vector512<float> bottomLeft,
        Vector512<float> bottomRight, Vector512<float> w00, Vector512<float> w01, Vector512<float> w10, Vector512<float> w11)
    {
        sum = Vector512.FusedMultiplyAdd(topLeft, w00, sum);
        sum = Vector512.FusedMultiplyAdd(topRight, w01, sum);
        sum = Vector512.FusedMultiplyAdd(bottomLeft, w10, sum);
        return Vector512.FusedMultiplyAdd(bottomRight, w11, sum);
    }
}
