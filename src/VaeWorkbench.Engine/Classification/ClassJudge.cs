using VaeWorkbench.Engine.Data;

namespace VaeWorkbench.Engine.Classification;

/// <summary>
/// The judge of class fidelity: a classifier trained on a dataset's real training split and scored on its real held-out
/// split, used for nothing but telling which class a generated image looks like.
/// </summary>
public sealed record ClassJudge(Classifier Classifier, ClassAgreement TestAgreement)
{
    public double Accuracy => TestAgreement.Share;

    /// <summary>
    /// The conv classifier for square images the conv stack divides (28, 32, 64 px...), the MLP otherwise; classes
    /// 0..max label of the training split.
    /// </summary>
    public static ClassifierConfig ConfigFor(ImageDataset train)
    {
        var labels = train.Labels ?? throw new ArgumentException("the judge needs a dataset with classes");
        var square = train.Height == train.Width && train.Height % 4 == 0 && train.Height >= 8;
        return new ClassifierConfig
        {
            Architecture = square ? ClassifierArchitecture.Conv : ClassifierArchitecture.Mlp,
            Channels = train.Channels,
            Height = train.Height,
            Width = train.Width,
            Classes = Math.Max(2, labels.Max() + 1),
            Hidden = square ? 128 : 256,
        };
    }

    /// <summary>Trains on <paramref name="train"/> and measures accuracy on <paramref name="test"/> (real images, both labelled).</summary>
    public static ClassJudge Train(ImageDataset train, ImageDataset test, ClassifierTraining training, CancellationToken cancellationToken = default)
    {
        var classifier = new Classifier(ConfigFor(train), training.Seed);
        classifier.Train(train, training, cancellationToken);
        return new ClassJudge(classifier, classifier.Evaluate(test));
    }

    /// <summary>The class fidelity of generated images labelled with the class asked for (−1: none); null when none has a class.</summary>
    public ClassFidelity? Measure(ReadOnlySpan<float> pixels, ReadOnlySpan<int> labels) => ClassFidelity.Measure(Classifier, Accuracy, pixels, labels);
}
