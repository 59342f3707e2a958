namespace VaeWorkbench.Engine.Classification;

/// <summary>
/// Fixed-share batches from two parts of one training set: the first <see cref="FirstCount"/> images (in augmentation,
/// the real ones) fill <see cref="FirstShare"/> of every batch, the rest (the generated ones) the remainder, whatever the
/// two parts' sizes. Without it, the parts are pooled and batches take them in proportion to their sizes, so 10,000
/// generated images would leave about one real image in eleven.
/// </summary>
public sealed record BatchMix(int FirstCount, double FirstShare)
{
    public void Validate()
    {
        if (FirstCount < 1) throw new ArgumentException($"the mixed batches' first part needs at least one image (got {FirstCount})");
        if (!double.IsFinite(FirstShare) || FirstShare <= 0 || FirstShare >= 1)
            throw new ArgumentException($"the first part's share of each batch must be between 0 and 1, exclusive (got {FirstShare})");
    }

    /// <summary>How many of a batch of <paramref name="batchSize"/> come from the first part: at least one from each part.</summary>
    public int FirstPerBatch(int batchSize) => batchSize < 2
        ? throw new ArgumentException("mixed batches need a batch size of at least 2")
        : Math.Clamp((int)Math.Round(FirstShare * batchSize, MidpointRounding.AwayFromZero), 1, batchSize - 1);
}

/// <summary>
/// The image order of a classifier's training: pooled (each epoch one shuffle of every image, cut into batches), or
/// mixed (<see cref="BatchMix"/>: each part an endless stream of reshuffled passes, every batch the same split). Either
/// way an epoch is ⌈N / batch⌉ steps, so a mix changes what a step sees, not how many steps there are.
/// </summary>
internal sealed class BatchOrder
{
    private readonly Rng _rng;
    private readonly int _count;
    private readonly int _batchSize;
    private readonly int[] _all;
    private readonly PartStream? _first;
    private readonly PartStream? _second;
    private readonly int _firstPerBatch;

    public BatchOrder(int count, int batchSize, BatchMix? mix, Rng rng)
    {
        (_count, _batchSize, _rng) = (count, batchSize, rng);
        _all = mix is null ? Enumerable.Range(0, count).ToArray() : [];
        if (mix is null) return;
        mix.Validate();
        if (mix.FirstCount >= count) throw new ArgumentException($"mixed batches need images after the first {mix.FirstCount} (the set has {count})");
        _firstPerBatch = mix.FirstPerBatch(batchSize);
        _first = new PartStream(0, mix.FirstCount);
        _second = new PartStream(mix.FirstCount, count - mix.FirstCount);
    }

    public int BatchesPerEpoch => (_count + _batchSize - 1) / _batchSize;

    /// <summary>Called at the start of each epoch (pooled: the epoch's shuffle).</summary>
    public void StartEpoch()
    {
        if (_first is null) _rng.Shuffle(_all);
    }

    /// <summary>The image indices of batch <paramref name="batch"/> of the current epoch.</summary>
    public ReadOnlySpan<int> Batch(int batch, Span<int> buffer)
    {
        if (_first is null)
        {
            var start = batch * _batchSize;
            return _all.AsSpan(start, Math.Min(_batchSize, _count - start));
        }
        for (var i = 0; i < _batchSize; i++) buffer[i] = (i < _firstPerBatch ? _first : _second!).Next(_rng);
        return buffer[.._batchSize];
    }

    // Indices [offset, offset + length), handed out in shuffled passes, reshuffled whenever one is used up.
    private sealed class PartStream(int offset, int length)
    {
        private readonly int[] _order = Enumerable.Range(offset, length).ToArray();
        private int _next = length;

        public int Next(Rng rng)
        {
            if (_next == _order.Length)
            {
                rng.Shuffle(_order);
                _next = 0;
            }
            return _order[_next++];
        }
    }
}
