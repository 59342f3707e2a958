namespace VaeWorkbench.Engine.Classification;

/// <summary>One class's share of images whose predicted class is the class they carry.</summary>
public sealed record ClassShare(int Label, int Count, int Agreeing)
{
    public double Share => Count == 0 ? 0 : (double)Agreeing / Count;
}

/// <summary>
/// How often predictions agree with the labels, overall and per label. On a real test set this is a classifier's
/// accuracy; on generated images labelled with the class asked for, it is their class fidelity.
/// </summary>
public sealed record ClassAgreement(int Count, int Agreeing, IReadOnlyList<ClassShare> PerClass)
{
    public double Share => Count == 0 ? 0 : (double)Agreeing / Count;

    public static ClassAgreement Measure(ReadOnlySpan<int> predicted, ReadOnlySpan<int> labels)
    {
        if (predicted.Length != labels.Length) throw new ArgumentException($"{predicted.Length} predictions for {labels.Length} labels");
        var perClass = new SortedDictionary<int, (int Count, int Agreeing)>();
        var agreeing = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var hit = predicted[i] == labels[i] ? 1 : 0;
            agreeing += hit;
            perClass.TryGetValue(labels[i], out var c);
            perClass[labels[i]] = (c.Count + 1, c.Agreeing + hit);
        }
        return new ClassAgreement(labels.Length, agreeing, [.. perClass.Select(p => new ClassShare(p.Key, p.Value.Count, p.Value.Agreeing))]);
    }
}
