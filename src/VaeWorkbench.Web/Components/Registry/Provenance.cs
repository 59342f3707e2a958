using System.Globalization;
using VaeWorkbench.Web.Registry;
using System.Text.Json;

namespace VaeWorkbench.Web.Components.Registry;

/// <summary>
/// Where a registered version came from, in words: "Trained from a convolutional run on dataset fashion-10k, 20 epochs."
/// The run and the dataset link to their pages when they are still in the model's team.
/// </summary>
public static class Provenance
{
    public static IReadOnlyList<Phrase> Of(ModelVersionSummary version)
    {
        var epochs = Number(version.Metrics, "epochs");
        var stoppedEarly = version.Metrics.ValueKind == JsonValueKind.Object
            && version.Metrics.TryGetProperty("stoppedEarly", out var early) && early.ValueKind == JsonValueKind.True;
        var sentence = new List<Phrase>();
        if (version.Source == "import")
        {
            sentence.Add("Imported from a .vae file");
            if (epochs > 0) sentence.Add($", trained elsewhere for {Epochs(epochs.Value)}");
        }
        else
        {
            var run = $"{Architecture(version.Config)} run";
            sentence.Add("Trained from ");
            sentence.Add(version.RunId is { } runId ? Phrase.Link(run, $"runs/{runId}") : $"{run} of another team");
            if (version.DatasetId is { } datasetId && version.DatasetName is { } datasetName)
                sentence.AddRange([" on dataset ", Phrase.Link(datasetName, $"datasets/{datasetId}")]);
            else
                sentence.Add(" on a dataset that is no longer in this team");
            if (epochs > 0) sentence.Add($", {Epochs(epochs.Value)}{(stoppedEarly ? " (stopped early)" : "")}");
        }
        sentence.Add(".");
        return sentence;
    }

    /// <summary>Who registered the version, and when: "Registered by ada@example.test on 2026-12-06 14:05."</summary>
    public static string Registration(ModelVersionSummary version) =>
        $"{(version.Source == "import" ? "Imported" : "Registered")} by {version.CreatedBy} on {version.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm}.";

    /// <summary>"a convolutional" or "an MLP": the article agrees with the word it leads.</summary>
    private static string Architecture(JsonElement config) =>
        config.ValueKind == JsonValueKind.Object && config.TryGetProperty("architecture", out var a) && a.ValueKind == JsonValueKind.String
            ? a.GetString() switch { "conv" => "a convolutional", "mlp" => "an MLP", var other => $"a {other}" }
            : "a";

    private static string Epochs(int n) => n == 1 ? "1 epoch" : $"{n.ToString("N0", CultureInfo.CurrentCulture)} epochs";

    private static int? Number(JsonElement json, string key) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(key, out var value) && value.TryGetInt32(out var n) ? n : null;
}
