using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Engine.Tests.IO;

/// <summary>The two variants of a .vae file: the inference file (weights, config, history) and the training file (also the optimizer state).</summary>
public class ModelFileContentsTests
{
    private static Trainer Trained(VaeConfig config)
    {
        var trainer = new Trainer(new Vae(config, 2), new TrainingOptions { Epochs = 2, BatchSize = 10, Seed = 5, LearningRate = 3e-3f });
        trainer.Run(TestData.RandomImages(config.Architecture == VaeArchitecture.Mlp ? 40 : 20, config.Channels, config.Height, config.Width, 31), null);
        return trainer;
    }

    private static byte[] Save(Trainer trainer, bool includeTrainingState)
    {
        using var stream = new MemoryStream();
        ModelFile.Save(stream, trainer.Model, trainer, includeTrainingState);
        return stream.ToArray();
    }

    public static TheoryData<string> Architectures => ["mlp", "conv"];

    private static VaeConfig ConfigOf(string arch) => arch == "mlp" ? TestData.TinyMlp() : TestData.TinyConv();

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Both_variants_round_trip(string arch)
    {
        var trainer = Trained(ConfigOf(arch));

        var training = ModelFile.Load(Save(trainer, includeTrainingState: true));
        Assert.Equal(ModelFileContents.Training, training.Contents);
        Assert.Equal("training", training.Metadata["contents"]);
        Assert.True(training.CanResume);
        Assert.Equal(trainer.Model.Parameters.Select(p => p.Value), training.Model.Parameters.Select(p => p.Value));
        var resumed = training.Resume(3);
        Assert.Equal(trainer.Optimizer.FirstMoments, resumed.Optimizer.FirstMoments);
        Assert.Equal(trainer.Optimizer.SecondMoments, resumed.Optimizer.SecondMoments);
        Assert.Equal(trainer.Optimizer.Step, resumed.Optimizer.Step);

        var inference = ModelFile.Load(Save(trainer, includeTrainingState: false));
        Assert.Equal(ModelFileContents.Inference, inference.Contents);
        Assert.Equal("inference", inference.Metadata["contents"]);
        Assert.False(inference.CanResume);
        Assert.Equal(trainer.Model.Parameters.Select(p => p.Value), inference.Model.Parameters.Select(p => p.Value));
        Assert.Equal(trainer.History.Select(h => h.TrainLoss), inference.History.Select(h => h.TrainLoss));
        Assert.Equal(trainer.Options.LearningRate, inference.TrainingOptions?.LearningRate);
        // Same weights, so the same decoded pixels.
        var z = new float[2 * trainer.Model.Latent];
        for (var i = 0; i < z.Length; i++) z[i] = (i % 5 - 2) * 0.3f;
        Assert.Equal(trainer.Model.Decode(z, 2), inference.Model.Decode(z, 2));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void The_inference_file_holds_no_optimizer_tensors_and_is_about_a_third_of_the_training_file(string arch)
    {
        var trainer = Trained(ConfigOf(arch));
        var full = Save(trainer, includeTrainingState: true);
        var light = Save(trainer, includeTrainingState: false);
        var (tensors, metadata) = SafeTensors.Read(light);
        Assert.DoesNotContain(tensors.Keys, n => n.StartsWith("optimizer.", StringComparison.Ordinal));
        Assert.Equal(trainer.Model.Parameters.Select(p => p.Name).Order(), tensors.Keys.Order());
        foreach (var key in new[] { "optimizer", "trainer", "epoch_progress" }) Assert.False(metadata.ContainsKey(key), key);
        Assert.Equal("inference", metadata["contents"]);
        var (fullTensors, _) = SafeTensors.Read(full);
        Assert.Equal(3 * trainer.Model.Parameters.Count, fullTensors.Count);
        // Weights are a third of the tensor bytes; the JSON header is the same size in both, give or take the optimizer entries.
        var weightBytes = trainer.Model.Parameters.Sum(p => (long)p.Value.Length * 4);
        Assert.InRange(light.Length - weightBytes, 0, full.Length - 3 * weightBytes);
    }

    [Fact]
    public void Stripping_a_training_file_gives_exactly_the_inference_file()
    {
        var trainer = Trained(TestData.TinyConv());
        var full = Save(trainer, includeTrainingState: true);
        var light = Save(trainer, includeTrainingState: false);
        Assert.Equal(light, ModelFile.WithoutTrainingState(full));
        Assert.Equal(light, ModelFile.WithoutTrainingState(light)); // an inference file comes back unchanged
    }

    [Fact]
    public void Resuming_from_an_inference_file_is_refused_with_the_reason()
    {
        var loaded = ModelFile.Load(Save(Trained(TestData.TinyMlp()), includeTrainingState: false));
        var refused = Assert.Throws<InvalidOperationException>(() => loaded.Resume());
        Assert.Contains("without the optimizer state", refused.Message);
        Assert.Contains("includeTrainingState=true", refused.Message);
    }

    [Fact]
    public void Old_files_without_the_contents_entry_still_load_and_resume()
    {
        var trainer = Trained(TestData.TinyMlp());
        var old = WithoutContentsEntry(Save(trainer, includeTrainingState: true));
        Assert.False(SafeTensors.Read(old).Metadata.ContainsKey("contents"));
        var loaded = ModelFile.Load(old);
        Assert.Equal(ModelFileContents.Training, loaded.Contents);
        Assert.Equal(trainer.Optimizer.SecondMoments, loaded.Resume().Optimizer.SecondMoments);
        // And an old weights-only file (what a registry export used to be) loads as an inference file.
        var oldLight = WithoutContentsEntry(Save(trainer, includeTrainingState: false));
        Assert.Equal(ModelFileContents.Inference, ModelFile.Load(oldLight).Contents);
        // Stripping an old checkpoint gives today's inference file.
        Assert.Equal(Save(trainer, includeTrainingState: false), ModelFile.WithoutTrainingState(old));
    }

    [Fact]
    public void A_contents_entry_that_disagrees_with_the_tensors_is_refused()
    {
        var trainer = Trained(TestData.TinyMlp());
        var lying = Rewrite(Save(trainer, includeTrainingState: true), m => m["contents"] = "inference");
        Assert.Contains("inference file but holds optimizer state", Assert.Throws<InvalidModelFileException>(() => ModelFile.Load(lying)).Message);
        var unknown = Rewrite(Save(trainer, includeTrainingState: false), m => m["contents"] = "everything");
        Assert.Contains("'everything'", Assert.Throws<InvalidModelFileException>(() => ModelFile.Load(unknown)).Message);
        var empty = Rewrite(Save(trainer, includeTrainingState: false), m => m["contents"] = "training");
        Assert.Throws<InvalidModelFileException>(() => ModelFile.Load(empty));
    }

    private static byte[] WithoutContentsEntry(byte[] file) => Rewrite(file, m => m.Remove("contents"));

    private static byte[] Rewrite(byte[] file, Action<Dictionary<string, string>> edit)
    {
        var (tensors, metadata) = SafeTensors.Read(file);
        edit(metadata);
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, [.. tensors.Values], metadata);
        return stream.ToArray();
    }
}
