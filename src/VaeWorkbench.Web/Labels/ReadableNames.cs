namespace VaeWorkbench.Web.Labels;

/// <summary>
/// Default names that people can say aloud and tell apart in a list ("quiet-river-7"), as experiment trackers give
/// their runs; the number is the object's position in its team, so two runs of the same day still differ.
/// </summary>
public static class ReadableNames
{
    private static readonly string[] Adjectives =
    [
        "amber", "bold", "brisk", "calm", "clever", "crisp", "dapper", "eager", "fancy", "gentle", "golden", "happy",
        "hazy", "jolly", "keen", "lively", "lucky", "misty", "noble", "plucky", "proud", "quiet", "rapid", "rosy",
        "shy", "silver", "sleek", "snowy", "steady", "sunny", "swift", "tidy", "vivid", "warm", "wild", "witty",
    ];

    private static readonly string[] Nouns =
    [
        "aurora", "brook", "canyon", "cedar", "cloud", "comet", "dawn", "delta", "dune", "ember", "fern", "field",
        "fjord", "forest", "glade", "harbor", "heron", "lake", "meadow", "mesa", "moon", "oasis", "orbit", "pine",
        "prairie", "reef", "river", "sky", "spark", "star", "storm", "summit", "sunset", "tide", "valley", "wave",
    ];

    public static string Next(int number, Random? random = null)
    {
        random ??= Random.Shared;
        return $"{Adjectives[random.Next(Adjectives.Length)]}-{Nouns[random.Next(Nouns.Length)]}-{number}";
    }
}
