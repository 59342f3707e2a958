using VaeWorkbench.Engine.Data;
using VaeWorkbench.Engine.Model;

namespace VaeWorkbench.Engine.Generation;

/// <summary>How the quality filter treats classes.</summary>
public enum ClassBalance
{
    /// <summary>The filter drops what it drops; a class it dislikes ends up smaller.</summary>
    None,
    /// <summary>
    /// Every class loses the same share: the share the filter took from its hardest-hit class. Classes it spared lose
    /// their worst kept samples (highest negative ELBO; without ELBO scores, the last generated) until they match, so the
    /// kept set has the class proportions of the request. Costs a second pass (the samples are generated twice).
    /// </summary>
    SameShare,
    /// <summary>
    /// Each class is topped up to its target (its share of the requested count) by generating more, until every class
    /// is full or <see cref="BalanceOptions.MaxAttempts"/> samples have been drawn in all.
    /// </summary>
    TopUp,
}

public sealed record BalanceOptions(ClassBalance Mode = ClassBalance.None, int? MaxAttempts = null)
{
    /// <summary>Most samples a top-up may draw, whatever the count: bounds the work one request can cause.</summary>
    public const int MaxAttemptsLimit = 1_000_000;

    /// <summary>How many times the requested count a top-up draws at most unless told otherwise.</summary>
    public const int DefaultAttemptFactor = 4;

    public int AttemptsFor(int count) => MaxAttempts ?? (int)Math.Min((long)count * DefaultAttemptFactor, MaxAttemptsLimit);

    /// <summary>Throws <see cref="ArgumentException"/> with a message a user can act on.</summary>
    public void Validate(int count)
    {
        if (MaxAttempts is null) return;
        if (Mode != ClassBalance.TopUp) throw new ArgumentException("maxAttempts applies to the topUp balance only");
        if (MaxAttempts < count || MaxAttempts > MaxAttemptsLimit)
            throw new ArgumentException($"maxAttempts must be between the count ({count}) and {MaxAttemptsLimit} (got {MaxAttempts})");
    }
}

/// <summary>What the filter did to one class (label −1: unlabeled samples).</summary>
public sealed record ClassFilterCount(int Label, int Target, int Generated, int RemovedByFilter, int RemovedForBalance, int Kept);

/// <summary>What the filter removed, per class, and how a top-up ended. Filled in as the chunks are enumerated.</summary>
public sealed class FilterReport
{
    private readonly SortedDictionary<int, int[]> _counts = []; // label -> target, generated, filtered, balance, kept

    public ClassBalance Balance { get; internal set; }

    /// <summary>The negative-ELBO ceiling in nats, when that filter is on.</summary>
    public double? ElboThreshold { get; internal set; }

    /// <summary>Samples drawn in all (more than the count when a top-up ran).</summary>
    public int Attempts { get; internal set; }

    public int? MaxAttempts { get; internal set; }

    /// <summary>True when a top-up stopped at its bound with a class still short of its target.</summary>
    public bool BoundHit { get; internal set; }

    /// <summary>A sentence for the user when something did not go as asked (the bound was hit).</summary>
    public string? Message { get; internal set; }

    public IReadOnlyList<ClassFilterCount> Classes =>
        [.. _counts.Select(c => new ClassFilterCount(c.Key, c.Value[0], c.Value[1], c.Value[2], c.Value[3], c.Value[4]))];

    internal int[] Of(int label) => _counts.TryGetValue(label, out var c) ? c : _counts[label] = new int[5];

    internal void AddTarget(int label) => Of(label)[0]++;

    internal void AddGenerated(int label, bool passedFilter)
    {
        var c = Of(label);
        c[1]++;
        if (!passedFilter) c[2]++;
    }

    internal void AddBalanceRemoval(int label) => Of(label)[3]++;

    internal void AddKept(int label) => Of(label)[4]++;

    internal int Kept(int label) => Of(label)[4];

    internal int Target(int label) => Of(label)[0];
}

/// <summary>
/// Generation with the quality filter's per-class report and, optionally, class balance (<see cref="ClassBalance"/>).
/// Yields the kept samples in generation order; <see cref="GeneratedChunk.Generated"/> counts every sample drawn for that
/// chunk, so progress adds up to <see cref="FilterReport.Attempts"/>.
/// </summary>
public static class BalancedGeneration
{
    public static IEnumerable<GeneratedChunk> Generate(Vae model, IImageSource? data, GenerationRequest request, GenerationFilter? filter,
        BalanceOptions balance, FilterReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        balance.Validate(request.Count);
        report.Balance = balance.Mode;
        // Checked now, before the first chunk is asked for: bad requests fail before any output is written.
        var first = Generator.Prepare(model, data, request, filter, cancellationToken,
            totalDraws: balance.Mode == ClassBalance.TopUp ? balance.AttemptsFor(request.Count) : request.Count);
        report.ElboThreshold = first.ElboThreshold;
        if (balance.Mode == ClassBalance.TopUp) report.MaxAttempts = balance.AttemptsFor(request.Count);
        return balance.Mode switch
        {
            ClassBalance.SameShare => SameShare(model, data, request, filter, first, report, cancellationToken),
            ClassBalance.TopUp => TopUp(first, model, request.Count, report),
            _ => Plain(first, model, report),
        };
    }

    private static IEnumerable<GeneratedChunk> Plain(GenerationRun run, Vae model, FilterReport report)
    {
        foreach (var plan in run.Plans)
        {
            var chunk = run.Decode(plan, model);
            Count(plan, chunk, report, keptCounts: true);
            report.Attempts += plan.Count;
            yield return chunk;
        }
    }

    private static IEnumerable<GeneratedChunk> TopUp(GenerationRun run, Vae model, int count, FilterReport report)
    {
        foreach (var plan in run.Plans)
        {
            var chunk = run.Decode(plan, model);
            var passed = chunk.Indices.ToHashSet();
            for (var i = 0; i < plan.Count; i++)
            {
                var index = plan.Start + i;
                if (index < count) report.AddTarget(plan.Labels[i]);
                report.AddGenerated(plan.Labels[i], passed.Contains(index));
            }
            report.Attempts += plan.Count;
            // Past the count, a sample is kept only while its class is short of its target.
            var keep = new bool[chunk.Kept];
            for (var k = 0; k < chunk.Kept; k++)
            {
                var label = chunk.Labels[k];
                keep[k] = chunk.Indices[k] < count || report.Kept(label) < report.Target(label);
                if (keep[k]) report.AddKept(label);
                else report.AddBalanceRemoval(label);
            }
            yield return Subset(chunk, plan.Count, keep);
            if (plan.Start + plan.Count >= count && report.Classes.All(c => c.Kept >= c.Target)) yield break;
        }
        var shortClasses = report.Classes.Where(c => c.Kept < c.Target).ToList();
        if (shortClasses.Count > 0)
        {
            report.BoundHit = true;
            report.Message = $"The top-up stopped at its bound of {report.MaxAttempts} samples drawn: " +
                string.Join(", ", shortClasses.Select(c => $"{(c.Label < 0 ? "unlabeled" : $"class {c.Label}")} has {c.Kept} of {c.Target}")) +
                ". Loosen the filter or raise maxAttempts.";
        }
    }

    private static IEnumerable<GeneratedChunk> SameShare(Vae model, IImageSource? data, GenerationRequest request, GenerationFilter? filter,
        GenerationRun first, FilterReport report, CancellationToken cancellationToken)
    {
        // Pass 1: judge every sample, keeping only labels and scores.
        var labels = new int[request.Count];
        var passed = new bool[request.Count];
        var scores = new double[request.Count];
        foreach (var plan in first.Plans)
        {
            var chunk = first.Decode(plan, model);
            plan.Labels.AsSpan(0, plan.Count).CopyTo(labels.AsSpan(plan.Start));
            for (var k = 0; k < chunk.Kept; k++)
            {
                passed[chunk.Indices[k]] = true;
                scores[chunk.Indices[k]] = chunk.Scores[k];
            }
        }
        var final = (bool[])passed.Clone();
        var byClass = Enumerable.Range(0, request.Count).GroupBy(i => labels[i]).ToDictionary(g => g.Key, g => g.ToList());
        // The share the filter took from its hardest-hit class; every class loses that much.
        var share = byClass.Values.Max(members => 1.0 - (double)members.Count(i => passed[i]) / members.Count);
        foreach (var members in byClass.Values)
        {
            var kept = members.Where(i => passed[i]).ToList();
            var allowed = Math.Min(kept.Count, (int)Math.Round(members.Count * (1 - share), MidpointRounding.AwayFromZero));
            // Worst first: the highest negative ELBO, then (unscored) the last generated.
            foreach (var i in kept.OrderByDescending(i => double.IsNaN(scores[i]) ? double.NegativeInfinity : scores[i]).ThenByDescending(i => i).Take(kept.Count - allowed))
                final[i] = false;
        }
        for (var i = 0; i < request.Count; i++)
        {
            report.AddTarget(labels[i]);
            report.AddGenerated(labels[i], passed[i]);
            if (passed[i] && !final[i]) report.AddBalanceRemoval(labels[i]);
            if (final[i]) report.AddKept(labels[i]);
        }
        report.Attempts = request.Count;

        // Pass 2: the same samples again (generation is deterministic), keeping the chosen ones.
        var second = Generator.Prepare(model, data, request, filter, cancellationToken);
        foreach (var plan in second.Plans)
        {
            var chunk = second.Decode(plan, model);
            yield return Subset(chunk, plan.Count, [.. chunk.Indices.Select(i => final[i])]);
        }
    }

    private static void Count(ChunkPlan plan, GeneratedChunk chunk, FilterReport report, bool keptCounts)
    {
        var passed = chunk.Indices.ToHashSet();
        for (var i = 0; i < plan.Count; i++)
        {
            report.AddTarget(plan.Labels[i]);
            report.AddGenerated(plan.Labels[i], passed.Contains(plan.Start + i));
        }
        if (keptCounts) foreach (var label in chunk.Labels) report.AddKept(label);
    }

    /// <summary>The chunk's samples where <paramref name="keep"/> is true; Generated becomes <paramref name="generated"/>.</summary>
    private static GeneratedChunk Subset(GeneratedChunk chunk, int generated, bool[] keep)
    {
        var kept = keep.Count(k => k);
        if (kept == chunk.Kept) return chunk with { Generated = generated };
        var pixelCount = chunk.Kept == 0 ? 0 : chunk.Pixels.Length / chunk.Kept;
        var pixels = new float[kept * pixelCount];
        var indices = new int[kept];
        var labels = new int[kept];
        var scores = new double[kept];
        for (int i = 0, k = 0; i < chunk.Kept; i++)
        {
            if (!keep[i]) continue;
            chunk.Pixels.AsSpan(i * pixelCount, pixelCount).CopyTo(pixels.AsSpan(k * pixelCount));
            (indices[k], labels[k], scores[k]) = (chunk.Indices[i], chunk.Labels[i], chunk.Scores[i]);
            k++;
        }
        return new GeneratedChunk(generated, kept, pixels, indices, labels, scores);
    }
}
