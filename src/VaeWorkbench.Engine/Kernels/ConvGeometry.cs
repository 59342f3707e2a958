namespace VaeWorkbench.Engine.Kernels;

/// <summary>
/// How a kernel slides over one channels-last image (H, W, C): the patch grid is (GridH, GridW) and each patch row
/// of the column matrix holds (KernelH, KernelW, C) values. For Conv2d the image is the input and the grid the output;
/// for ConvTranspose2d the image is the output and the grid the input.
/// </summary>
public readonly record struct ConvGeometry(int ImageH, int ImageW, int Channels, int KernelH, int KernelW, int Stride, int Padding)
{
    // Computed once, not on every read: the kernels read them in inner loops, where each read was an integer division
    // (perf showed idiv in col2im and the Winograd transforms). So no `with` on a geometry: these would not follow.
    public int GridH { get; } = (ImageH + 2 * Padding - KernelH) / Math.Max(1, Stride) + 1;
    public int GridW { get; } = (ImageW + 2 * Padding - KernelW) / Math.Max(1, Stride) + 1;
    public int PatchSize => KernelH * KernelW * Channels;
    public int ImageSize => ImageH * ImageW * Channels;
    public int Patches => GridH * GridW;

    public void Validate()
    {
        if (ImageH <= 0 || ImageW <= 0 || Channels <= 0 || KernelH <= 0 || KernelW <= 0 || Stride <= 0 || Padding < 0)
            throw new ArgumentException($"invalid convolution geometry: image {ImageH}x{ImageW}x{Channels}, kernel {KernelH}x{KernelW}, stride {Stride}, padding {Padding}");
        if (ImageH + 2 * Padding < KernelH || ImageW + 2 * Padding < KernelW)
            throw new ArgumentException($"kernel {KernelH}x{KernelW} is larger than the padded image {ImageH}x{ImageW} (padding {Padding})");
    }
}
