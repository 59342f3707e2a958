namespace VaeWorkbench.Web.Runs;

/// <summary>
/// Which images of its dataset a training run holds out for validation. Deterministic: the same image count, share and
/// seed always hold out the same images, so the model page can evaluate a model on exactly the images it never trained on.
/// </summary>
public static class ValidationSplit
{
    /// <summary>Image indexes in the order they were shuffled: the first <c>round(count · share)</c> are held out.</summary>
    public static (int[] Train, int[] Validation) Indexes(int count, double share, ulong seed)
    {
        var validationCount = (int)Math.Round(count * share);
        var order = Enumerable.Range(0, count).ToArray();
        if (validationCount == 0) return (order, []);
        new Random(unchecked((int)seed ^ 0x5EED)).Shuffle(order);
        return (order[validationCount..], order[..validationCount]);
    }
}
