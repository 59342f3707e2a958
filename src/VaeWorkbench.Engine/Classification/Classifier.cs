using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Layers;
using VaeWorkbench.Engine.Losses;
using VaeWorkbench.Engine.Optim;

namespace VaeWorkbench.Engine.Classification;

/// <summary>
/// An image classifier made of the engine's layers and trained with its Adam: the judge of class fidelity and the
/// model of the augmentation benchmark. Not thread-safe (layers keep their batch buffers).
/// </summary>
public sealed class Classifier
{
    private const int InferenceBatch = 256;
    private const ulong TrainingStream = 0x3C1A_55F1_0B7E_9D23; // keeps the shuffling RNG apart from the init RNG
    private const ulong JitterStream = 0x61D2_0F3B_A957_4C8E;

    public Classifier(ClassifierConfig config, ulong seed)
    {
        config.Validate();
        Config = config;
        Network = Build(config);
        Network.SetNeedsInputGradient(false);
        Network.Initialize(new Rng(seed));
    }

    public ClassifierConfig Config { get; }
    public Sequential Network { get; }
    public IReadOnlyList<Parameter> Parameters => Network.Parameters;

    /// <summary>Trains on labelled images; returns the mean training loss (nats) of each epoch.</summary>
    public double[] Train(ImageDataset data, ClassifierTraining training, CancellationToken cancellationToken = default)
    {
        training.Validate();
        CheckShape(data);
        var labels = data.Labels ?? throw new ArgumentException("the classifier's training images have no classes");
        foreach (var label in labels)
            if ((uint)label >= (uint)Config.Classes) throw new ArgumentException($"class {label} is outside the classifier's {Config.Classes} classes");
        Network.SetThreads(training.Threads);
        var adam = new Adam(Parameters, new AdamOptions()) { Threads = training.Threads };
        var rng = new Rng(training.Seed ^ TrainingStream);
        var jitterRng = new Rng(training.Seed ^ JitterStream); // apart, so turning jitter on leaves the order as it was
        var jitter = training.MaxShift > 0 || training.Mirror;
        var (batchSize, pixels, k) = (training.BatchSize, data.PixelCount, Config.Classes);
        var order = new BatchOrder(data.Count, batchSize, training.Mix, rng);
        var totalSteps = (long)order.BatchesPerEpoch * training.Epochs;
        var input = new float[batchSize * pixels];
        var indexBuffer = new int[batchSize];
        var batchLabels = new int[batchSize];
        var gradient = new float[batchSize * k];
        var loss = new double[batchSize];
        var history = new double[training.Epochs];
        for (var epoch = 0; epoch < training.Epochs; epoch++)
        {
            order.StartEpoch();
            double total = 0;
            var seen = 0;
            for (var batch = 0; batch < order.BatchesPerEpoch; batch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var indices = order.Batch(batch, indexBuffer);
                var n = indices.Length;
                for (var b = 0; b < n; b++)
                {
                    var destination = input.AsSpan(b * pixels, pixels);
                    if (jitter)
                    {
                        var (dx, dy, mirror) = ImageJitter.Draw(jitterRng, training.MaxShift, training.Mirror);
                        ImageJitter.Apply(data.Image(indices[b]), destination, Config.Channels, Config.Height, Config.Width, dx, dy, mirror);
                    }
                    else
                    {
                        data.Image(indices[b]).CopyTo(destination);
                    }
                    batchLabels[b] = labels[indices[b]];
                }
                var logits = Network.Forward(input, n);
                SoftmaxCrossEntropy.Compute(logits, batchLabels, n, k, loss, gradient, 1f / n);
                Network.Backward(gradient, n);
                adam.Update(LearningRates.At(training.Schedule, training.LearningRate, (long)epoch * order.BatchesPerEpoch + batch, totalSteps));
                for (var b = 0; b < n; b++) total += loss[b];
                seen += n;
            }
            history[epoch] = total / seen;
            if (!double.IsFinite(history[epoch])) throw new InvalidOperationException($"the classifier's loss became {history[epoch]} at epoch {epoch + 1}; try a lower learning rate");
        }
        return history;
    }

    /// <summary>x:(n,P) -> the most likely class of each image.</summary>
    public int[] Predict(ReadOnlySpan<float> images, int count)
    {
        if (count <= 0 || images.Length != (long)count * Config.PixelCount)
            throw new ArgumentException($"expected {count} images of {Config.PixelCount} values, got {images.Length} values");
        var predicted = new int[count];
        var input = new float[Math.Min(count, InferenceBatch) * Config.PixelCount];
        var k = Config.Classes;
        for (var start = 0; start < count; start += InferenceBatch)
        {
            var n = Math.Min(InferenceBatch, count - start);
            images.Slice(start * Config.PixelCount, n * Config.PixelCount).CopyTo(input);
            var logits = Network.Infer(input, n);
            for (var b = 0; b < n; b++)
            {
                var row = logits.AsSpan(b * k, k);
                var best = 0;
                for (var c = 1; c < k; c++) if (row[c] > row[best]) best = c;
                predicted[start + b] = best;
            }
        }
        return predicted;
    }

    /// <summary>The share of a labelled set the classifier gets right, overall and per class.</summary>
    public ClassAgreement Evaluate(ImageDataset data)
    {
        CheckShape(data);
        var labels = data.Labels ?? throw new ArgumentException("the evaluation images have no classes");
        return ClassAgreement.Measure(Predict(data.Pixels, data.Count), labels);
    }

    private void CheckShape(ImageDataset data)
    {
        if (data.Channels != Config.Channels || data.Height != Config.Height || data.Width != Config.Width)
            throw new ArgumentException($"the images are {data.Channels}x{data.Height}x{data.Width} but the classifier takes {Config.Channels}x{Config.Height}x{Config.Width}");
    }

    private static Sequential Build(ClassifierConfig c)
    {
        var layers = new List<Layer>();
        int features;
        if (c.Architecture == ClassifierArchitecture.Mlp)
        {
            features = c.PixelCount;
        }
        else
        {
            // x:(B,C,H,W) -> channels-last -> convs (k4, s2, p1) halving the image each time -> flatten
            if (c.Channels > 1) layers.Add(new ChannelsLast(c.Channels, c.Height, c.Width, toLast: true));
            var (channels, size) = (c.Channels, c.Height);
            for (var i = 0; i < c.ConvWidths.Length; i++)
            {
                var conv = new Conv2d($"classifier.conv{i + 1}", channels, c.ConvWidths[i], 4, 2, 1, size, size);
                layers.Add(conv);
                layers.Add(new Relu(conv.OutputSize));
                (channels, size) = (c.ConvWidths[i], conv.OutHeight);
            }
            features = channels * size * size;
            layers.Add(new Flatten(features));
        }
        layers.Add(new Linear("classifier.fc", features, c.Hidden)); // (B,F) -> (B,Hidden)
        layers.Add(new Relu(c.Hidden));
        layers.Add(new Linear("classifier.out", c.Hidden, c.Classes)); // (B,Hidden) -> logits (B,K)
        return new Sequential([.. layers]);
    }
}
