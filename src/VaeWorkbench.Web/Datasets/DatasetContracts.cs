using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Datasets;

/// <summary>A file received from the browser or the API, already saved to a temporary file. <see cref="Name"/> is for display only.</summary>
public sealed record UploadedFile(string Name, string TempPath);

public sealed record NewDatasetRequest(string Name, int ImageSize, int Channels, IReadOnlyList<UploadedFile> Files);

public sealed record ClassCount(string Name, int Count);

public sealed record SkippedItem(string Name, string Reason);

public sealed record DuplicateItem(string Name, string DuplicateOf);

/// <summary>What an import found. Lists are capped (see <c>Datasets:MaxReportedFiles</c>); the counts are exact.</summary>
public sealed record ImportReport(
    IReadOnlyList<ClassCount> Classes,
    int Unlabeled,
    IReadOnlyList<SkippedItem> Skipped,
    int SkippedCount,
    IReadOnlyList<DuplicateItem> Duplicates,
    int DuplicateCount)
{
    public static ImportReport Empty { get; } = new([], 0, [], 0, [], 0);
}

public sealed record DatasetSummary(
    Guid Id,
    Guid TeamId,
    string Name,
    int ImageSize,
    int Channels,
    DatasetStatus Status,
    int ImageCount,
    string? Error,
    DateTimeOffset CreatedAt,
    ImportReport Report);

/// <summary>The answer to an upload: the new dataset and what its import found.</summary>
public sealed record DatasetImportResult(
    Guid Id,
    string Name,
    DatasetStatus Status,
    int ImageCount,
    IReadOnlyList<ClassCount> Classes,
    int Unlabeled,
    IReadOnlyList<SkippedItem> Skipped,
    int SkippedCount,
    IReadOnlyList<DuplicateItem> Duplicates,
    int DuplicateCount,
    string? Error)
{
    public static DatasetImportResult From(DatasetSummary d) =>
        new(d.Id, d.Name, d.Status, d.ImageCount, d.Report.Classes, d.Report.Unlabeled, d.Report.Skipped, d.Report.SkippedCount,
            d.Report.Duplicates, d.Report.DuplicateCount, d.Error);
}

public sealed record DatasetImageItem(int Index, int? Label, string? ClassName, string OriginalName);

public sealed record DatasetImagePage(int Total, int Skip, int Take, IReadOnlyList<DatasetImageItem> Items);

public enum DatasetSort { CreatedAt, Name, Status, ImageCount }

/// <summary>What a dataset list asks for: a window of rows, a sort and a part of the name to match.</summary>
public sealed record DatasetListQuery(int Skip, int Take, string? NameContains = null, DatasetSort SortBy = DatasetSort.CreatedAt, bool Descending = true);

/// <summary>One page of a dataset list and how many datasets match in all.</summary>
public sealed record DatasetListPage(IReadOnlyList<DatasetSummary> Items, int Total);
