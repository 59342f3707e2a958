using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Layers;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Engine.Tests.Model;

/// <summary>The conv preset at 64×64 RGB: a third stride-2 stage, its shapes, and a short run whose loss falls.</summary>
public class Conv64PresetTests
{
    [Fact]
    public void SixtyFourPixelPresetAddsAThirdStrideTwoStage()
    {
        Assert.Equal([32, 64], VaeConfig.ConvPreset().ConvWidths);
        Assert.Equal([32, 64], VaeConfig.ConvPreset(3, 32).ConvWidths);
        var vae = new Vae(VaeConfig.ConvPreset(3, 64), 1);
        Assert.Equal([32, 64, 128], vae.Config.ConvWidths);

        var convs = vae.Encoder.Layers.OfType<Engine.Layers.Conv2d>().ToArray();
        Assert.Equal([(32, 32), (16, 64), (8, 128)], convs.Select(c => (c.OutHeight, c.OutChannels)));
        var fc = vae.Encoder.Layers.OfType<Linear>().First();
        Assert.Equal(8 * 8 * 128, fc.In);
        var deconvs = vae.Decoder.Layers.OfType<Engine.Layers.ConvTranspose2d>().ToArray();
        Assert.Equal([16, 32, 64], deconvs.Select(d => d.OutHeight));
        Assert.Equal(64 * 64 * 3, vae.Decoder.OutputSize);
        // torch: sum(p.numel()) of bench/torch_conv64.py's Conv64 = 4_546_403 (its two heads stacked are our one head)
        Assert.Equal(4_546_403, vae.ParameterCount);
    }

    [Fact]
    public void SixtyFourPixelForwardAndBackwardGiveEveryShape()
    {
        var vae = new Vae(VaeConfig.ConvPreset(3, 64), 2);
        var data = TestData.RandomImages(3, 3, 64, 64, 4);
        var loss = vae.TrainBatch(data.Pixels, data.Pixels, 3, new Rng(1), 1f);
        Assert.True(double.IsFinite(loss.Total) && loss.Reconstruction > 0);
        Assert.All(vae.Parameters, p => Assert.Contains(p.Grad, g => g != 0f));
        var head = vae.Encoder.Forward(data.Pixels, 3);
        Assert.Equal(2 * 16, vae.Encoder.OutputSize);
        Assert.True(head.Length >= 3 * 2 * 16);
    }

    [Fact]
    public void ShortSixtyFourPixelRgbRunLowersTheLoss()
    {
        var data = Blobs(192, seed: 8);
        var trainer = new Trainer(new Vae(VaeConfig.ConvPreset(3, 64), 3),
            new TrainingOptions { Epochs = 4, BatchSize = 32, Threads = 2, Seed = 3, LearningRate = 2e-3f });
        var history = trainer.Run(data, null);
        Assert.Equal(4, history.Count);
        Assert.All(history, r => Assert.True(double.IsFinite(r.TrainLoss)));
        // Per-image BCE over 12,288 values starts near 12,288·ln 2 ≈ 8,500 nats; a model that learns the blobs ends well below the first epoch.
        Assert.True(history[^1].TrainLoss < 0.9 * history[0].TrainLoss, $"loss went from {history[0].TrainLoss:F0} to {history[^1].TrainLoss:F0}");
    }

    // RGB images of one soft coloured blob each, at a random place: structure a VAE can learn in a few epochs.
    private static ImageDataset Blobs(int count, ulong seed)
    {
        var rng = new Rng(seed);
        const int size = 64, plane = size * size;
        var pixels = new float[count * 3 * plane];
        for (var n = 0; n < count; n++)
        {
            var (cx, cy, radius) = (8 + 48 * rng.NextFloat(), 8 + 48 * rng.NextFloat(), 6 + 10 * rng.NextFloat());
            Span<float> colour = [rng.NextFloat(), rng.NextFloat(), rng.NextFloat()];
            for (var c = 0; c < 3; c++)
            {
                for (var y = 0; y < size; y++)
                {
                    for (var x = 0; x < size; x++)
                    {
                        var d2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (radius * radius);
                        pixels[(n * 3 + c) * plane + y * size + x] = colour[c] * MathF.Exp(-d2);
                    }
                }
            }
        }
        return new ImageDataset(pixels, count, 3, size, size);
    }
}
