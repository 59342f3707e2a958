using System.Globalization;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Audit;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Datasets;

/// <summary>
/// Reading and managing a team's datasets. Every method that names a dataset or a team checks the caller's role through
/// <see cref="TeamAccess"/>: Viewer to read, Editor to change. A dataset of another team, or a deleted one, is "not found".
/// </summary>
public sealed class DatasetService(AppDbContext db, TeamAccess access, TimeProvider clock, AuditLog audit, ImportStaging staging)
{
    public const int MaxPageSize = 500;

    public async Task<List<DatasetSummary>> ListAsync(string userId, Guid teamId, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        var rows = await db.Datasets.AsNoTracking().Where(d => d.TeamId == teamId && d.DeletedAt == null).ToListAsync(ct);
        // SQLite cannot order by DateTimeOffset in SQL; a team's list is small.
        return [.. rows.OrderByDescending(d => d.CreatedAt).Select(DatasetMapping.ToSummary)];
    }

    /// <summary>
    /// One page of the team's datasets for a list that can grow: filtered by a part of the name (case-insensitive),
    /// sorted in SQL, newest first unless asked otherwise, with the count of every match.
    /// </summary>
    public async Task<DatasetListPage> PageAsync(string userId, Guid teamId, DatasetListQuery request, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        if (request.Skip < 0) throw new RequestRejectedException("skip cannot be negative.");
        if (request.Take is < 1 or > MaxPageSize) throw new RequestRejectedException($"take must be between 1 and {MaxPageSize}.");
        var query = db.Datasets.AsNoTracking().Where(d => d.TeamId == teamId && d.DeletedAt == null);
        if (!string.IsNullOrWhiteSpace(request.NameContains))
        {
            query = query.Where(TextSearch.AnyContains(query, db, request.NameContains, d => d.Name));
        }
        var total = await query.CountAsync(ct);
        var desc = request.Descending;
        var sorted = request.SortBy switch
        {
            DatasetSort.Name => desc ? query.OrderByDescending(d => d.Name) : query.OrderBy(d => d.Name),
            DatasetSort.Status => desc ? query.OrderByDescending(d => d.Status) : query.OrderBy(d => d.Status),
            DatasetSort.ImageCount => desc ? query.OrderByDescending(d => d.ImageCount) : query.OrderBy(d => d.ImageCount),
            _ => desc ? query.OrderByDescending(d => d.CreatedAt) : query.OrderBy(d => d.CreatedAt),
        };
        var rows = await sorted.ThenBy(d => d.Id).Skip(request.Skip).Take(request.Take).ToListAsync(ct);
        return new DatasetListPage([.. rows.Select(DatasetMapping.ToSummary)], total);
    }

    /// <summary>Datasets a new training run may use: Ready and not deleted, in the team.</summary>
    public async Task<List<DatasetSummary>> UsableForNewRunAsync(string userId, Guid teamId, CancellationToken ct = default)
    {
        var all = await ListAsync(userId, teamId, ct);
        return [.. all.Where(d => d.Status == DatasetStatus.Ready)];
    }

    public async Task<DatasetSummary> GetAsync(string userId, Guid datasetId, CancellationToken ct = default) =>
        DatasetMapping.ToSummary(await FindAsync(userId, datasetId, TeamRole.Viewer, ct));

    public async Task<List<string>> ClassNamesAsync(string userId, Guid datasetId, CancellationToken ct = default) =>
        DatasetMapping.ClassNames(await FindAsync(userId, datasetId, TeamRole.Viewer, ct));

    public async Task RenameAsync(string userId, Guid datasetId, string name, CancellationToken ct = default)
    {
        var dataset = await FindAsync(userId, datasetId, TeamRole.Editor, ct, track: true);
        dataset.Name = DatasetImportService.ValidName(name);
        audit.Add(dataset.TeamId, userId, AuditActions.DatasetRenamed, "Dataset", dataset.Id, new { name = dataset.Name });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Renames the classes (Editor): one name per class, in label order, each by the rule for user-given names and all
    /// different. Labels stay as they are, so runs and scores on the dataset keep their meaning; only the names change.
    /// </summary>
    public async Task<List<string>> RenameClassesAsync(string userId, Guid datasetId, IReadOnlyList<string?>? names, CancellationToken ct = default)
    {
        var dataset = await FindAsync(userId, datasetId, TeamRole.Editor, ct, track: true);
        if (dataset.Status != DatasetStatus.Ready)
            throw new RequestRejectedException($"Only a Ready dataset's classes can be renamed; this one is {dataset.Status}.");
        var current = DatasetMapping.ClassNames(dataset);
        if (current.Count == 0) throw new RequestRejectedException("This dataset has no classes to rename: its images are unlabeled.");
        if (names is null) throw new RequestRejectedException($"Give names: one per class, in label order ({current.Count}).");
        if (names.Count != current.Count)
            throw new RequestRejectedException($"The dataset has {current.Count} classes; give {current.Count} names in label order, not {names.Count}.");
        var valid = IdxClassNames.Validate(names, i => $"The name for label {i}");
        var report = DatasetMapping.ParseReport(dataset.ImportReportJson);
        var classes = report.Classes.Select(c => current.IndexOf(c.Name) is var i and >= 0 ? c with { Name = valid[i] } : c).ToList();
        dataset.ClassNamesJson = System.Text.Json.JsonSerializer.Serialize(valid);
        dataset.ImportReportJson = DatasetMapping.SerializeReport(report with { Classes = classes });
        audit.Add(dataset.TeamId, userId, AuditActions.DatasetClassesRenamed, "Dataset", dataset.Id, new { from = current, to = valid });
        await db.SaveChangesAsync(ct);
        return valid;
    }

    /// <summary>Soft delete: the dataset leaves every list at once; <see cref="DatasetCleanup"/> removes its files when no run uses it.</summary>
    public async Task DeleteAsync(string userId, Guid datasetId, CancellationToken ct = default)
    {
        var dataset = await FindAsync(userId, datasetId, TeamRole.Editor, ct, track: true);
        if (dataset.Status == DatasetStatus.Queued)
        {
            // Not started: withdrawn in one conditional UPDATE, unless a node claimed it this very moment.
            var withdrawn = await db.Datasets.Where(d => d.Id == datasetId && d.Status == DatasetStatus.Queued).ExecuteUpdateAsync(set => set
                .SetProperty(d => d.Status, DatasetStatus.Failed)
                .SetProperty(d => d.Error, "Deleted before its import started.")
                .SetProperty(d => d.ImportSourceJson, (string?)null)
                .SetProperty(d => d.DeletedAt, clock.GetUtcNow()), ct);
            if (withdrawn == 0) throw new RequestRejectedException("This dataset is importing now; delete it when the import has finished.");
            staging.Delete(datasetId);
            await audit.RecordAsync(dataset.TeamId, userId, AuditActions.DatasetDeleted, "Dataset", dataset.Id, new { name = dataset.Name }, ct);
            return;
        }
        if (dataset.Status == DatasetStatus.Importing)
            throw new RequestRejectedException("This dataset is still importing; delete it when the import has finished.");
        dataset.DeletedAt = clock.GetUtcNow();
        audit.Add(dataset.TeamId, userId, AuditActions.DatasetDeleted, "Dataset", dataset.Id, new { name = dataset.Name });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// A page of images in index order, optionally only one class (<paramref name="label"/> is an index into the class names)
    /// and only those whose file name contains <paramref name="search"/> (any case) or whose image number it is.
    /// </summary>
    public async Task<DatasetImagePage> ImagesAsync(string userId, Guid datasetId, int skip, int take, int? label, CancellationToken ct = default, string? search = null)
    {
        var dataset = await FindAsync(userId, datasetId, TeamRole.Viewer, ct);
        if (skip < 0) throw new RequestRejectedException("skip cannot be negative.");
        if (take is < 1 or > MaxPageSize) throw new RequestRejectedException($"take must be between 1 and {MaxPageSize}.");
        var classNames = DatasetMapping.ClassNames(dataset);
        var query = db.DatasetImages.AsNoTracking().Where(i => i.DatasetId == datasetId);
        if (label is { } wanted) query = query.Where(i => i.Label == wanted);
        if (search?.Trim().ToLowerInvariant() is { Length: > 0 } term)
        {
            if (term.Length > MaxSearchLength) throw new RequestRejectedException($"search is longer than {MaxSearchLength} characters.");
            // "#12" and "12" both name image number 12; a file name may also hold the digits.
            var number = int.TryParse(term.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
            query = query.Where(i => i.Index == number || i.OriginalName.ToLower().Contains(term));
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(i => i.Index).Skip(skip).Take(take)
            .Select(i => new { i.Index, i.Label, i.OriginalName }).ToListAsync(ct);
        var items = rows.Select(r => new DatasetImageItem(r.Index, r.Label, ClassName(classNames, r.Label), r.OriginalName)).ToList();
        return new DatasetImagePage(total, skip, take, items);
    }

    /// <summary>Longest text an image search may hold.</summary>
    public const int MaxSearchLength = 200;

    public async Task<DatasetImageItem> ImageAsync(string userId, Guid datasetId, int index, CancellationToken ct = default) =>
        (await ImageWithHashAsync(userId, datasetId, index, ct)).Item;

    /// <summary>An image's row and the blob hash of its stored PNG.</summary>
    public async Task<(DatasetImageItem Item, string ContentHash)> ImageWithHashAsync(string userId, Guid datasetId, int index, CancellationToken ct = default)
    {
        var dataset = await FindAsync(userId, datasetId, TeamRole.Viewer, ct);
        var row = await db.DatasetImages.AsNoTracking().FirstOrDefaultAsync(i => i.DatasetId == datasetId && i.Index == index, ct)
            ?? throw AccessDeniedException.NotFound("Image");
        var item = new DatasetImageItem(row.Index, row.Label, ClassName(DatasetMapping.ClassNames(dataset), row.Label), row.OriginalName);
        return (item, row.ContentHash);
    }

    private static string? ClassName(List<string> names, int? label) => label is { } l && l >= 0 && l < names.Count ? names[l] : null;

    /// <summary>Loads a live dataset and checks the caller's role in its team; "not found" when either fails, so ids cannot be probed.</summary>
    internal async Task<Dataset> FindAsync(string userId, Guid datasetId, TeamRole required, CancellationToken ct, bool track = false)
    {
        var query = track ? db.Datasets : db.Datasets.AsNoTracking();
        var dataset = await query.FirstOrDefaultAsync(d => d.Id == datasetId && d.DeletedAt == null, ct)
            ?? throw AccessDeniedException.NotFound("Dataset");
        await access.RequireAsync(userId, dataset.TeamId, required, "Dataset", ct);
        return dataset;
    }
}
