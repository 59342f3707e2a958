using VaeWorkbench.Engine.Layers;

namespace VaeWorkbench.Engine.Model;

/// <summary>Builds the encoder (image -> μ‖log σ²) and decoder (z -> logits) for a <see cref="VaeConfig"/>.</summary>
internal static class VaeBuilder
{
    public static (Sequential Encoder, Sequential Decoder) Build(VaeConfig config)
    {
        config.Validate();
        return config.Architecture == VaeArchitecture.Mlp ? BuildMlp(config) : BuildConv(config);
    }

    private static (Sequential, Sequential) BuildMlp(VaeConfig c)
    {
        var encoder = new List<Layer>();
        var width = c.PixelCount;
        if (c.Conditional) encoder.Add(new ConcatCondition(width, c.ClassCount)); // x:(B,P) -> [x ‖ onehot]:(B,P+K)
        width += c.ClassCount;
        for (var i = 0; i < c.Hidden.Length; i++)
        {
            encoder.Add(new Linear($"encoder.fc{i + 1}", width, c.Hidden[i]));
            encoder.Add(new Relu(c.Hidden[i]));
            width = c.Hidden[i];
        }
        // One head of 2·latent outputs is PyTorch's two heads (fc21 = μ, fc22 = log σ²) stacked: same fan-in, same init.
        encoder.Add(new Linear("encoder.head", width, 2 * c.Latent));

        var decoder = new List<Layer>();
        width = c.Latent;
        if (c.Conditional) decoder.Add(new ConcatCondition(width, c.ClassCount)); // z:(B,L) -> [z ‖ onehot]:(B,L+K)
        width += c.ClassCount;
        for (var i = c.Hidden.Length - 1; i >= 0; i--)
        {
            decoder.Add(new Linear($"decoder.fc{c.Hidden.Length - i}", width, c.Hidden[i]));
            decoder.Add(new Relu(c.Hidden[i]));
            width = c.Hidden[i];
        }
        decoder.Add(new Linear("decoder.out", width, c.PixelCount));
        return (new Sequential([.. encoder]), new Sequential([.. decoder]));
    }

    private static (Sequential, Sequential) BuildConv(VaeConfig c)
    {
        const int kernel = 4, stride = 2, padding = 1;
        var encoder = new List<Layer>();
        if (c.Channels > 1) encoder.Add(new ChannelsLast(c.Channels, c.Height, c.Width, toLast: true));
        var (channels, size) = (c.Channels, c.Height);
        for (var i = 0; i < c.ConvWidths.Length; i++)
        {
            var conv = new Conv2d($"encoder.conv{i + 1}", channels, c.ConvWidths[i], kernel, stride, padding, size, size);
            encoder.Add(conv);
            encoder.Add(new Relu(conv.OutputSize));
            (channels, size) = (c.ConvWidths[i], conv.OutHeight);
        }
        var flat = channels * size * size;
        encoder.Add(new Flatten(flat));
        if (c.Conditional) encoder.Add(new ConcatCondition(flat, c.ClassCount)); // features:(B,F) -> [features ‖ onehot]:(B,F+K)
        encoder.Add(new Linear("encoder.fc", flat + c.ClassCount, c.ConvDense));
        encoder.Add(new Relu(c.ConvDense));
        encoder.Add(new Linear("encoder.head", c.ConvDense, 2 * c.Latent));

        var decoder = new List<Layer>();
        if (c.Conditional) decoder.Add(new ConcatCondition(c.Latent, c.ClassCount)); // z:(B,L) -> [z ‖ onehot]:(B,L+K)
        decoder.AddRange(
        [
            new Linear("decoder.fc1", c.Latent + c.ClassCount, c.ConvDense),
            new Relu(c.ConvDense),
            new Linear("decoder.fc2", c.ConvDense, flat),
            new Relu(flat),
            new Reshape(flat, size, size, channels),
        ]);
        for (var i = c.ConvWidths.Length - 1; i >= 0; i--)
        {
            var outChannels = i == 0 ? c.Channels : c.ConvWidths[i - 1];
            var deconv = new ConvTranspose2d($"decoder.deconv{c.ConvWidths.Length - i}", channels, outChannels, kernel, stride, padding, size, size);
            decoder.Add(deconv);
            if (i > 0) decoder.Add(new Relu(deconv.OutputSize));
            (channels, size) = (outChannels, deconv.OutHeight);
        }
        if (c.Channels > 1) decoder.Add(new ChannelsLast(c.Channels, c.Height, c.Width, toLast: false));
        return (new Sequential([.. encoder]), new Sequential([.. decoder]));
    }
}
