using VaeWorkbench.Engine.Layers;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Cli.Commands;

/// <summary>
/// Multiply-add work of one training step per image, counted as a direct GEMM would do it (2 flops a multiply-add), so
/// an epoch's GFLOP/s compares with the SGEMM rate. Winograd's saved multiplies are not credited: the figure is
/// "GEMM-equivalent" work, the convention PyTorch's profiler and papers use.
/// </summary>
internal static class TrainingFlops
{
    /// <summary>Forward, weight gradient and input gradient of every weighted layer, less the input gradient nobody needs.</summary>
    public static double PerImage(Vae model)
    {
        double total = 0;
        foreach (var network in new[] { model.Encoder, model.Decoder })
        {
            foreach (var layer in network.Layers)
            {
                var forward = Forward(layer);
                if (forward == 0) continue;
                total += layer.NeedsInputGradient ? 3 * forward : 2 * forward;
            }
        }
        return total;
    }

    private static double Forward(Layer layer) => layer switch
    {
        // x:(In) w:(Out,In)
        Linear fc => 2.0 * fc.In * fc.Out,
        // one (OutC × K·K·InC) product per output pixel
        Conv2d conv => 2.0 * conv.OutHeight * conv.OutWidth * conv.Weight.Size,
        // one (InC × K·K·OutC) product per input pixel; Weight is (InC, K, K, OutC)
        ConvTranspose2d deconv => 2.0 * deconv.InputSize / deconv.Weight.Shape[0] * deconv.Weight.Size,
        _ => 0,
    };
}
