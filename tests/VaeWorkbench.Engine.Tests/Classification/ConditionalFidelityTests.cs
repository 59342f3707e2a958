using VaeWorkbench.Engine.Classification;
using VaeWorkbench.Engine.Generation;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Engine.Training;

namespace VaeWorkbench.Engine.Tests.Classification;

/// <summary>
/// On seeded two-mode classes (see <see cref="ToyClasses"/>), a small conditional VAE's per-class samples are judged
/// true to their class far more often than the unconditional model's class-mean-latent samples.
/// </summary>
public class ConditionalFidelityTests
{
    private static readonly VaeConfig Small = new()
    {
        Architecture = VaeArchitecture.Mlp, Height = ToyClasses.Size, Width = ToyClasses.Size, Latent = 2, Hidden = [64],
    };

    [Fact]
    public void A_conditional_vae_beats_class_mean_generation_on_class_fidelity()
    {
        var judge = new Classifier(new ClassifierConfig
        {
            Architecture = ClassifierArchitecture.Mlp, Height = ToyClasses.Size, Width = ToyClasses.Size, Classes = ToyClasses.Classes, Hidden = 32,
        }, 1);
        judge.Train(ToyClasses.Bars(800, 2), new ClassifierTraining { Epochs = 10, BatchSize = 32, LearningRate = 3e-3f, Seed = 3 });
        var judgeAccuracy = judge.Evaluate(ToyClasses.Bars(400, 99)).Share;
        Assert.True(judgeAccuracy >= 0.98, $"judge accuracy {judgeAccuracy:P1}");

        var train = ToyClasses.Bars(2000, 11);
        double Fidelity(VaeConfig config)
        {
            var vae = new Vae(config, 5);
            new Trainer(vae, new TrainingOptions { Epochs = 15, BatchSize = 64, LearningRate = 3e-3f, Seed = 6 }).Run(train, null);
            var request = new GenerationRequest { Mode = GenerationMode.PerClass, Count = 400, Seed = 7 };
            var chunks = Generator.Generate(vae, train, request).ToList();
            var pixels = chunks.SelectMany(c => c.Pixels).ToArray();
            var labels = chunks.SelectMany(c => c.Labels).ToArray();
            Assert.Equal(Enumerable.Repeat(100, ToyClasses.Classes), labels.GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count()));
            return ClassFidelity.Measure(judge, judgeAccuracy, pixels, labels)!.Agreement.Share;
        }
        var conditional = Fidelity(Small with { ClassCount = ToyClasses.Classes });
        var classMean = Fidelity(Small);
        Assert.True(conditional >= 0.85, $"conditional fidelity {conditional:P1} (class-mean {classMean:P1})");
        Assert.True(conditional >= classMean + 0.2, $"conditional fidelity {conditional:P1} against class-mean {classMean:P1}");
    }
}
