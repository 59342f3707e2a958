using Microsoft.ML.OnnxRuntime;
using VaeWorkbench.Engine;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Onnx.Tests;

/// <summary>
/// A conditional model (the class as a one-hot appended to the encoder's features and to z) exports with a <c>class</c>
/// input, int64 (batch), on both graphs; ONNX Runtime matches the engine within 1e-4 on 64 test images of every class.
/// </summary>
public class ConditionalParityTests
{
    private const float Tolerance = 1e-4f;
    private const int Images = 64;

    public static TheoryData<string> Cases => ["mlp", "conv"];

    private static (Vae Model, float[] Images, long[] Classes, int[] Labels) Case(string arch)
    {
        var config = arch == "mlp" ? VaeConfig.MlpPreset() with { ClassCount = 10 } : VaeConfig.ConvPreset() with { ClassCount = 10 };
        var model = TestModels.TrainedBriefly(config, TestModels.Fashion("train", 1024));
        var labels = TestModels.FashionLabels("t10k", Images);
        return (model, TestModels.Fashion("t10k", Images).Pixels, labels.Select(l => (long)l).ToArray(), labels);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Onnx_runtime_matches_the_engine_with_the_class_input(string arch)
    {
        var (model, images, classes, labels) = Case(arch);
        var c = model.Config;
        var export = VaeOnnxExporter.Export(TestModels.ThroughFile(model), $"c{arch}");
        using var encoder = new OrtRunner(export.Encoder);
        using var decoder = new OrtRunner(export.Decoder);
        Assert.Equal([VaeOnnxExporter.ImageInput, VaeOnnxExporter.ClassIndexInput], encoder.Inputs.Keys);
        Assert.Equal([VaeOnnxExporter.LatentInput, VaeOnnxExporter.ClassIndexInput], decoder.Inputs.Keys);
        Assert.Equal([-1], decoder.Inputs[VaeOnnxExporter.ClassIndexInput].Dimensions);

        var (mean, logVariance) = model.Encode(images, Images, labels);
        var encoded = encoder.Run(OrtRunner.Floats(VaeOnnxExporter.ImageInput, images, Images, c.Channels, c.Height, c.Width), OrtRunner.Int64s(VaeOnnxExporter.ClassIndexInput, classes));
        AssertClose(mean, encoded[VaeOnnxExporter.MeanOutput], "mean");
        AssertClose(logVariance, encoded[VaeOnnxExporter.LogVarianceOutput], "log_variance");

        var prior = new float[Images * c.Latent];
        new Rng(11).FillGaussian(prior);
        foreach (var (z, what) in new[] { (mean, "the images' means"), (prior, "prior draws") })
        {
            var decoded = decoder.Run(OrtRunner.Floats(VaeOnnxExporter.LatentInput, z, Images, c.Latent), OrtRunner.Int64s(VaeOnnxExporter.ClassIndexInput, classes));
            model.DecoderCondition!.SetOneHot(labels);
            var logits = model.Decoder.Infer(z, Images).AsSpan(0, Images * c.PixelCount).ToArray();
            AssertClose(logits, decoded[VaeOnnxExporter.LogitsOutput], $"logits of {what}");
            AssertClose(model.Decode(z, Images, labels), decoded[VaeOnnxExporter.PixelsOutput], $"pixels of {what}");
        }

        // The class is used: the same codes decoded at the next class give other images, as in the engine.
        var shifted = labels.Select(l => (l + 1) % c.ClassCount).ToArray();
        var other = decoder.Run(OrtRunner.Floats(VaeOnnxExporter.LatentInput, prior, Images, c.Latent), OrtRunner.Int64s(VaeOnnxExporter.ClassIndexInput, shifted.Select(l => (long)l).ToArray()));
        AssertClose(model.Decode(prior, Images, shifted), other[VaeOnnxExporter.PixelsOutput], "pixels at the next class");
        Assert.True(Difference.MaxAbs(model.Decode(prior, Images, labels), other[VaeOnnxExporter.PixelsOutput]) > 1e-2, "the class changes the decoded image");
    }

    [Fact]
    public void A_class_outside_the_model_is_an_error_in_the_runtime_not_a_blank_condition()
    {
        var model = new Vae(VaeConfig.MlpPreset() with { ClassCount = 10 }, 1);
        using var decoder = new OrtRunner(VaeOnnxExporter.Export(model, "c").Decoder);
        var z = new float[2 * model.Latent];
        Assert.Equal(2 * model.PixelCount, decoder.Run(OrtRunner.Floats("z", z, 2, model.Latent), OrtRunner.Int64s("class", [0, 9]))["pixels"].Length);
        var error = Assert.Throws<OnnxRuntimeException>(() => decoder.Run(OrtRunner.Floats("z", z, 2, model.Latent), OrtRunner.Int64s("class", [3, 10])));
        Assert.Contains("out of", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_readme_and_the_graphs_document_the_class_input()
    {
        var export = VaeOnnxExporter.Export(new Vae(VaeConfig.ConvPreset() with { ClassCount = 7 }, 1), "c");
        Assert.Contains("class         int64 (batch): the class of each image, an index in 0..6", export.Readme);
        Assert.DoesNotContain("unconditional", export.Readme);
        var graph = global::Onnx.ModelProto.Parser.ParseFrom(export.Decoder).Graph;
        Assert.Contains("one-hot", graph.Input.Single(i => i.Name == "class").DocString);
    }

    private static void AssertClose(float[] engine, float[] onnx, string what)
    {
        var difference = Difference.MaxAbs(engine, onnx);
        Assert.True(difference <= Tolerance, $"{what}: ONNX Runtime differs from the engine by up to {difference:G3} (tolerance {Tolerance})");
    }
}
