using VaeWorkbench.Engine.Layers;

namespace VaeWorkbench.Onnx;

/// <summary>
/// What an ONNX tensor holds relative to the engine's flat per-sample buffer. ONNX images are NCHW; the engine's conv
/// layers work channels-last, so an image here can stand for an engine buffer in (H, W, C) order
/// (<see cref="EngineChannelsLast"/>) or in the dataset's (C, H, W) order. A flat tensor is (batch, Size) in the engine's order.
/// </summary>
internal readonly record struct TensorLayout(int Size, bool IsImage, int C, int H, int W, bool EngineChannelsLast)
{
    public static TensorLayout Flat(int size) => new(size, false, 0, 0, 0, false);

    public static TensorLayout Image(int c, int h, int w, bool engineChannelsLast) => new(c * h * w, true, c, h, w, engineChannelsLast);

    /// <summary>With one channel, (C, H, W) and (H, W, C) are the same bytes.</summary>
    public bool EngineOrderIsChw => !EngineChannelsLast || C == 1;

    public bool EngineOrderIsHwc => EngineChannelsLast || C == 1;
}

/// <summary>
/// Translates the engine's layers into ONNX nodes, one layer at a time, carrying the <see cref="TensorLayout"/> so that
/// conv weights are permuted to ONNX's (Out, In, K, K) and channels-last buffers are transposed where the engine reads
/// them flat. A layer with no translation is refused by name.
/// </summary>
internal sealed class LayerTranslator(OnnxGraph graph, string part, ClassInput? classes = null)
{
    public (string Tensor, TensorLayout Layout) Translate(Sequential network, string tensor, TensorLayout layout)
    {
        for (var i = 0; i < network.Layers.Count; i++)
        {
            var layer = network.Layers[i];
            if (layer.InputSize != layout.Size)
                throw new OnnxExportException($"the {part}'s layer {i + 1} ({layer.GetType().Name}) takes {layer.InputSize} values per sample, but {layout.Size} reach it");
            (tensor, layout) = layer switch
            {
                Linear linear => Gemm(linear, tensor, layout),
                Conv2d conv => Conv(conv, tensor, layout),
                ConvTranspose2d deconv => ConvTranspose(deconv, tensor, layout),
                ChannelsLast permute => Permute(permute, tensor, layout),
                Reshape reshape => Reinterpret(reshape, tensor, layout),
                ConcatCondition concat => Condition(concat, tensor, layout),
                Relu => (graph.Node("Relu", [tensor]), layout),
                LeakyRelu leaky => (graph.Node("LeakyRelu", [tensor], null, OnnxGraph.Float("alpha", leaky.Slope)), layout),
                Sigmoid => (graph.Node("Sigmoid", [tensor]), layout),
                Tanh => (graph.Node("Tanh", [tensor]), layout),
                Silu => (graph.Node("Mul", [tensor, graph.Node("Sigmoid", [tensor])]), layout), // x·σ(x): opset 17 has no SiLU
                _ => throw new OnnxExportException($"the {part}'s layer {i + 1} ({layer.GetType().Name}) has no ONNX translation"),
            };
        }
        return (tensor, layout);
    }

    // x:(B,In) w:(Out,In) b:(Out) -> y:(B,Out), Gemm with transB as torch.nn.Linear
    private (string, TensorLayout) Gemm(Linear linear, string tensor, TensorLayout layout)
    {
        var x = ToFlat(tensor, layout);
        var w = graph.Weight(linear.Weight.Name, linear.Weight.Value, linear.Out, linear.In);
        var b = graph.Weight(linear.Bias.Name, linear.Bias.Value, linear.Out);
        return (graph.Node("Gemm", [x, w, b], null, OnnxGraph.Int("transB", 1)), TensorLayout.Flat(linear.Out));
    }

    // x:(B,InC,H,W); engine w:(Out,K,K,In) -> ONNX w:(Out,In,K,K)
    private (string, TensorLayout) Conv(Conv2d conv, string tensor, TensorLayout layout)
    {
        var x = ToNchw(tensor, layout, conv.InChannels, conv.InHeight, conv.InWidth);
        var k = conv.Kernel;
        var w = graph.Weight(conv.Weight.Name, Permute4(conv.Weight.Value, conv.OutChannels, k, k, conv.InChannels), conv.OutChannels, conv.InChannels, k, k);
        var b = graph.Weight(conv.Bias.Name, conv.Bias.Value, conv.OutChannels);
        var y = graph.Node("Conv", [x, w, b], null, Geometry(k, conv.Stride, conv.Padding));
        return (y, TensorLayout.Image(conv.OutChannels, conv.OutHeight, conv.OutWidth, engineChannelsLast: true));
    }

    // x:(B,InC,H,W); engine w:(In,K,K,Out) -> ONNX w:(In,Out,K,K); no output_padding, as the engine
    private (string, TensorLayout) ConvTranspose(ConvTranspose2d deconv, string tensor, TensorLayout layout)
    {
        var x = ToNchw(tensor, layout, deconv.InChannels, deconv.InHeight, deconv.InWidth);
        var k = deconv.Kernel;
        var w = graph.Weight(deconv.Weight.Name, Permute4(deconv.Weight.Value, deconv.InChannels, k, k, deconv.OutChannels), deconv.InChannels, deconv.OutChannels, k, k);
        var b = graph.Weight(deconv.Bias.Name, deconv.Bias.Value, deconv.OutChannels);
        var y = graph.Node("ConvTranspose", [x, w, b], null, Geometry(k, deconv.Stride, deconv.Padding));
        return (y, TensorLayout.Image(deconv.OutChannels, deconv.OutHeight, deconv.OutWidth, engineChannelsLast: true));
    }

    private static global::Onnx.AttributeProto[] Geometry(int kernel, int stride, int padding) =>
    [
        OnnxGraph.Ints("kernel_shape", kernel, kernel),
        OnnxGraph.Ints("strides", stride, stride),
        OnnxGraph.Ints("pads", padding, padding, padding, padding),
    ];

    // x:(B,In) class:(B) -> [x ‖ one-hot(class)]:(B,In+K), as the engine's ConcatCondition
    private (string, TensorLayout) Condition(ConcatCondition concat, string tensor, TensorLayout layout)
    {
        if (classes is null) throw new OnnxExportException($"the {part} appends a class, but the model has no class count");
        var x = ToFlat(tensor, layout);
        return (graph.Node("Concat", [x, classes.OneHot(concat.ConditionSize)], null, OnnxGraph.Int("axis", 1)), TensorLayout.Flat(concat.OutputSize));
    }

    // The engine moves values between (C,H,W) and (H,W,C); an ONNX image is NCHW either way, so only the label changes.
    private (string, TensorLayout) Permute(ChannelsLast permute, string tensor, TensorLayout layout)
    {
        var (c, h, w) = (permute.Channels, permute.Height, permute.Width);
        if (permute.ToLast)
        {
            var x = layout.IsImage && layout.EngineOrderIsChw && (layout.C, layout.H, layout.W) == (c, h, w)
                ? tensor
                : graph.Node("Reshape", [ToFlat(tensor, layout), graph.Int64s("shape", 0, c, h, w)]);
            return (x, TensorLayout.Image(c, h, w, engineChannelsLast: true));
        }
        return (ToNchw(tensor, layout, c, h, w), TensorLayout.Image(c, h, w, engineChannelsLast: false));
    }

    // Reshape relabels the engine's flat buffer: (n) is a flat vector, (H, W, C) a channels-last image.
    private (string, TensorLayout) Reinterpret(Reshape reshape, string tensor, TensorLayout layout) => reshape.Shape switch
    {
        [var n] => (ToFlat(tensor, layout), TensorLayout.Flat(n)),
        [var h, var w, var c] => (ToNchw(tensor, layout, c, h, w), TensorLayout.Image(c, h, w, engineChannelsLast: true)),
        var shape => throw new OnnxExportException($"the {part} reshapes to ({string.Join(", ", shape)}), a shape the exporter does not know how to read"),
    };

    /// <summary>(batch, size) in the engine's flat order.</summary>
    public string ToFlat(string tensor, TensorLayout layout)
    {
        if (!layout.IsImage) return tensor;
        var x = layout.EngineOrderIsChw ? tensor : graph.Node("Transpose", [tensor], null, OnnxGraph.Ints("perm", 0, 2, 3, 1));
        return graph.Node("Flatten", [x], null, OnnxGraph.Int("axis", 1));
    }

    /// <summary>(batch, C, H, W) for an engine layer that reads its input as a channels-last (H, W, C) image.</summary>
    private string ToNchw(string tensor, TensorLayout layout, int c, int h, int w)
    {
        if (layout.IsImage && layout.EngineOrderIsHwc && (layout.C, layout.H, layout.W) == (c, h, w)) return tensor;
        var flat = ToFlat(tensor, layout);
        if (c == 1) return graph.Node("Reshape", [flat, graph.Int64s("shape", 0, 1, h, w)]);
        var hwc = graph.Node("Reshape", [flat, graph.Int64s("shape", 0, h, w, c)]);
        return graph.Node("Transpose", [hwc], null, OnnxGraph.Ints("perm", 0, 3, 1, 2));
    }

    /// <summary>(a, b, c, d) -> (a, d, b, c): the channel that the engine keeps last moves to second place.</summary>
    internal static float[] Permute4(float[] values, int a, int b, int c, int d)
    {
        var result = new float[values.Length];
        for (var i = 0; i < a; i++)
        for (var j = 0; j < b; j++)
        for (var k = 0; k < c; k++)
        for (var l = 0; l < d; l++)
            result[((i * d + l) * b + j) * c + k] = values[((i * b + j) * c + k) * d + l];
        return result;
    }
}
