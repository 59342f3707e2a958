using System.Collections.Concurrent;
using VaeWorkbench.Engine.Classification;
using VaeWorkbench.Engine.Data;
using VaeWorkbench.Web.Runs;

namespace VaeWorkbench.Web.Augmentation;

/// <summary>
/// The class-fidelity judge of each dataset (see <see cref="ClassJudge"/>), trained once per dataset content and kept
/// for later sets. It trains on the dataset's real images minus a fixed held-out tenth, on which it is scored (its
/// accuracy is reported beside every fidelity it gives). At most <see cref="MaxTrainingImages"/> images and
/// <see cref="Epochs"/> epochs, so a large dataset's judge costs a bounded wait before its first set.
/// </summary>
public sealed class ClassJudgeCache
{
    public const int Epochs = 3;
    public const int MaxTrainingImages = 20_000;
    public const double HeldOutShare = 0.1;
    private const ulong SplitSeed = 0x1D6E;
    private const int Capacity = 8;
    private readonly ConcurrentDictionary<string, Lazy<ClassJudge>> _judges = new(StringComparer.Ordinal);

    /// <param name="contentHash">The dataset's tensor hash: a changed dataset gets a new judge.</param>
    public ClassJudge GetOrTrain(string contentHash, IImageSource data, int threads, CancellationToken cancellationToken)
    {
        if (_judges.Count >= Capacity && !_judges.ContainsKey(contentHash)) _judges.Clear(); // a handful of datasets at a time; retraining is the cost of more
        var lazy = _judges.GetOrAdd(contentHash, _ => new Lazy<ClassJudge>(() => Train(data, threads, cancellationToken)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _judges.TryRemove(contentHash, out _); // a cancelled or failed training is not cached
            throw;
        }
    }

    internal static ClassJudge Train(IImageSource data, int threads, CancellationToken cancellationToken)
    {
        var (train, test) = ValidationSplit.Indexes(data.Count, HeldOutShare, SplitSeed);
        if (test.Length == 0) test = train; // a tiny dataset: the judge's accuracy is then its training accuracy
        var training = Take(data, train.Take(MaxTrainingImages).ToArray());
        return ClassJudge.Train(training, Take(data, test), new ClassifierTraining { Epochs = Epochs, Seed = 1, Threads = threads }, cancellationToken);
    }

    private static ImageDataset Take(IImageSource data, int[] indexes)
    {
        var pixels = new float[(long)indexes.Length * data.PixelCount];
        data.Gather(indexes, pixels);
        return new ImageDataset(pixels, indexes.Length, data.Channels, data.Height, data.Width, [.. indexes.Select(i => data.Labels![i])]);
    }
}
