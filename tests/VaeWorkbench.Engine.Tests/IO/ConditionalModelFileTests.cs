using VaeWorkbench.Engine.IO;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Engine.Tests.IO;

public class ConditionalModelFileTests
{
    [Fact]
    public void A_conditional_model_and_its_training_state_round_trip()
    {
        var data = TestData.RandomImages(40, 1, 3, 4, 5);
        var vae = new Vae(TestData.TinyMlp() with { ClassCount = 10 }, 2);
        var trainer = new Trainer(vae, new TrainingOptions { Epochs = 2, BatchSize = 8, Seed = 4 });
        trainer.Run(data, null);
        using var stream = new MemoryStream();
        ModelFile.Save(stream, vae, trainer);
        var loaded = ModelFile.Load(stream.ToArray());
        Assert.Equal(10, loaded.Model.Config.ClassCount);
        int[] classes = [3, 7];
        Assert.Equal(vae.Sample(2, 1f, 9, classes), loaded.Model.Sample(2, 1f, 9, classes));
        Assert.Contains("\"class_count\":10", loaded.Metadata["config"]);
    }

    [Fact]
    public void A_config_written_before_conditioning_existed_loads_unconditional()
    {
        var config = ModelFile.ReadConfig("{\"architecture\":\"mlp\",\"latent\":20,\"hidden\":[400]}")!;
        Assert.Equal(0, config.ClassCount);
        Assert.False(config.Conditional);
    }

    [Fact]
    public void Training_a_conditional_model_on_unlabelled_images_names_the_problem()
    {
        var unlabelled = new Data.ImageDataset(new float[8 * 12], 8, 1, 3, 4);
        var trainer = new Trainer(new Vae(TestData.TinyMlp() with { ClassCount = 3 }, 1), new TrainingOptions { Epochs = 1, BatchSize = 4 });
        var e = Assert.Throws<ArgumentException>(() => trainer.Run(unlabelled, null));
        Assert.Contains("needs classes", e.Message);
        var tooMany = TestData.RandomImages(8, 1, 3, 4, 1); // labels 0..7, more than 3 classes
        e = Assert.Throws<ArgumentException>(() => trainer.Run(tooMany, null));
        Assert.Contains("outside the model's 3 classes", e.Message);
    }
}
