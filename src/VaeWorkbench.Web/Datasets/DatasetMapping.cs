using System.Text.Json;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Datasets;

/// <summary>Between the dataset row (with its JSON columns) and what pages and the API show.</summary>
public static class DatasetMapping
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static DatasetSummary ToSummary(Dataset d) =>
        new(d.Id, d.TeamId, d.Name, d.ImageSize, d.Channels, d.Status, d.ImageCount, d.Error, d.CreatedAt, ParseReport(d.ImportReportJson));

    public static string SerializeReport(ImportReport report) => JsonSerializer.Serialize(report, Json);

    public static ImportReport ParseReport(string json)
    {
        if (string.IsNullOrWhiteSpace(json) || json == "{}") return ImportReport.Empty;
        return JsonSerializer.Deserialize<ImportReport>(json, Json) ?? ImportReport.Empty;
    }

    public static List<string> ClassNames(Dataset d) => JsonSerializer.Deserialize<List<string>>(d.ClassNamesJson) ?? [];
}
