using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Audit;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Labels;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Augmentation;

/// <summary>Augmented sets of a team: queue a generation, read a set with its provenance and images, delete it.</summary>
public sealed class AugmentationService(
    AppDbContext db, TeamAccess access, AugmentationEvents events, DatasetCleanup cleanup, IOptions<AugmentationOptions> options, TimeProvider clock,
    AuditLog audit)
{
    public const int MaxPageSize = 500;

    /// <summary>Creates the set at once as Queued and wakes the job service. Needs the Editor role in the model's team.</summary>
    public async Task<Guid> CreateAsync(string userId, Guid modelId, GenerateRequest request, CancellationToken ct = default)
    {
        var model = await db.TrainedModels.AsNoTracking().FirstOrDefaultAsync(m => m.Id == modelId, ct) ?? throw AccessDeniedException.NotFound("Model");
        await access.RequireAsync(userId, model.TeamId, TeamRole.Editor, "Model", ct);
        var dataset = await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == model.DatasetId, ct);
        var (mode, parameters, filter) = AugmentationMapping.Validate(request, dataset, DatasetMapping.ClassNames(dataset), options.Value.FilterReferenceLimit,
            ModelClasses.Count(model));
        var seed = request.Seed ?? RandomNumberGenerator.GetInt32(int.MaxValue);
        if (seed < 0) throw new RequestRejectedException("seed must be a non-negative whole number.");
        var number = await db.AugmentedSets.CountAsync(s => s.TeamId == model.TeamId, ct) + 1;
        var set = new AugmentedSet
        {
            Id = Guid.NewGuid(), TeamId = model.TeamId, Name = ReadableNames.Next(number), ModelId = model.Id, ModelFileHash = model.FileHash, DatasetId = dataset.Id,
            Mode = AugmentationMapping.ModeName(mode), ParametersJson = JsonSerializer.Serialize(parameters, RunService.Json), Seed = seed,
            FilterJson = JsonSerializer.Serialize(filter, RunService.Json), Status = AugmentedStatus.Queued, Requested = parameters.Count,
            CreatedByUserId = userId, CreatedAt = clock.GetUtcNow(),
        };
        db.AugmentedSets.Add(set);
        await db.SaveChangesAsync(ct);
        events.Wake();
        return set.Id;
    }

    public async Task<AugmentedSummary> GetAsync(string userId, Guid setId, CancellationToken ct = default)
    {
        var set = await FindAsync(userId, setId, TeamRole.Viewer, ct);
        return (await SummariesAsync([set], ct)).Single();
    }

    /// <summary>The team's sets, newest first; <paramref name="text"/> and <paramref name="tag"/> filter as <see cref="LabelRules.Filter"/> does.</summary>
    public async Task<List<AugmentedSummary>> ListAsync(string userId, Guid teamId, CancellationToken ct = default, string? text = null, string? tag = null)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        var sets = await LabelRules.Filter(db.AugmentedSets.AsNoTracking().Where(s => s.TeamId == teamId), db, text, tag)
            .OrderByDescending(s => s.CreatedAt).ToListAsync(ct);
        return await SummariesAsync(sets, ct);
    }

    /// <summary>Renames, re-tags or annotates a set (Editor or Owner of its team).</summary>
    public Task<LabelsResponse> UpdateLabelsAsync(string userId, Guid setId, LabelPatch patch, CancellationToken ct = default) =>
        LabelUpdates.UpdateAsync<AugmentedSet>(db, access, audit, userId, setId, patch, LabelledKind.AugmentedSet, ct);

    /// <summary>One page of the team's sets, filtered and sorted in the database, with the count of all that match.</summary>
    /// <summary>Every tag on the team's sets, for the list's tag filter (Viewer).</summary>
    public async Task<List<string>> TagsAsync(string userId, Guid teamId, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        return await LabelRules.KnownTagsAsync(db.AugmentedSets.Where(s => s.TeamId == teamId), ct);
    }

    public async Task<AugmentedSetPage> ListPageAsync(string userId, Guid teamId, AugmentedSetQuery query, CancellationToken ct = default)
    {
        if (query.Skip < 0 || query.Take is < 1 or > MaxPageSize) throw new RequestRejectedException($"skip must be ≥ 0 and take between 1 and {MaxPageSize}.");
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        var rows = LabelRules.WithTag(db.AugmentedSets.AsNoTracking().Where(s => s.TeamId == teamId), query.Tag)
            .Join(db.Datasets, s => s.DatasetId, d => d.Id, (s, d) => new { Set = s, Dataset = d.Name })
            .GroupJoin(db.Users, x => x.Set.CreatedByUserId, u => u.Id, (x, users) => new { x.Set, x.Dataset, users })
            .SelectMany(x => x.users.DefaultIfEmpty(), (x, u) => new { x.Set, x.Dataset, Creator = u == null ? "" : u.Email ?? "" });
        if (query.Status is { } status) rows = rows.Where(x => x.Set.Status == status);
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim().ToLower();
            rows = rows.Where(x => x.Set.Name.ToLower().Contains(term) || x.Set.Notes.ToLower().Contains(term) || x.Dataset.ToLower().Contains(term)
                || x.Set.Mode.ToLower().Contains(term) || x.Creator.ToLower().Contains(term));
        }
        var total = await rows.CountAsync(ct);
        var d = query.Descending;
        var ordered = (query.SortBy ?? "created") switch
        {
            "dataset" => d ? rows.OrderByDescending(x => x.Dataset) : rows.OrderBy(x => x.Dataset),
            "mode" => d ? rows.OrderByDescending(x => x.Set.Mode) : rows.OrderBy(x => x.Set.Mode),
            "seed" => d ? rows.OrderByDescending(x => x.Set.Seed) : rows.OrderBy(x => x.Set.Seed),
            "status" => d ? rows.OrderByDescending(x => x.Set.Status) : rows.OrderBy(x => x.Set.Status),
            "kept" => d ? rows.OrderByDescending(x => x.Set.Kept) : rows.OrderBy(x => x.Set.Kept),
            "created" => d ? rows.OrderByDescending(x => x.Set.CreatedAt) : rows.OrderBy(x => x.Set.CreatedAt),
            var other => throw new RequestRejectedException($"Sets can be sorted by created, dataset, mode, seed, status or kept, not '{other}'."),
        };
        // Ties (the same dataset, mode…) keep the newest first, so paging through them is stable.
        var sets = await ordered.ThenByDescending(x => x.Set.CreatedAt).ThenBy(x => x.Set.Id)
            .Skip(query.Skip).Take(query.Take).Select(x => x.Set).ToListAsync(ct);
        return new AugmentedSetPage(total, await SummariesAsync(sets, ct));
    }

    /// <summary>
    /// How people know the set's model: its name and version in the team's registry when that exact file was registered
    /// ("fashion-shirts v2"), otherwise the dataset it was trained on.
    /// </summary>
    public async Task<string> ModelNameAsync(string userId, Guid setId, CancellationToken ct = default)
    {
        var set = await FindAsync(userId, setId, TeamRole.Viewer, ct);
        var registered = await db.ModelVersions.AsNoTracking().Where(v => v.FileHash == set.ModelFileHash)
            .Join(db.RegisteredModels.Where(m => m.TeamId == set.TeamId), v => v.RegisteredModelId, m => m.Id, (v, m) => new { m.Name, v.Version })
            .OrderBy(x => x.Version).FirstOrDefaultAsync(ct);
        if (registered is not null) return $"{registered.Name} v{registered.Version}";
        var dataset = await db.Datasets.AsNoTracking().Where(x => x.Id == set.DatasetId).Select(x => x.Name).SingleAsync(ct);
        return $"the model trained on {dataset}";
    }

    /// <summary>Removes the set, its image rows and the PNGs nothing else uses. A running set is refused: wait for it to end.</summary>
    public async Task DeleteAsync(string userId, Guid setId, CancellationToken ct = default)
    {
        var set = await FindAsync(userId, setId, TeamRole.Editor, ct);
        var hashes = await db.AugmentedImages.Where(i => i.SetId == setId).Select(i => i.ContentHash).Distinct().ToListAsync(ct);
        // Conditional on the status, so a job that claims the set at this moment either sees it gone or keeps it.
        var deleted = await db.AugmentedSets.Where(s => s.Id == setId && s.Status != AugmentedStatus.Running).ExecuteDeleteAsync(ct);
        if (deleted == 0) throw new RequestRejectedException("This set is being generated; delete it when the job has finished.");
        await cleanup.DeleteUnreferencedBlobsAsync(hashes, CancellationToken.None);
        events.Forget(set.Id);
    }

    /// <summary>A page of the set's images in order, optionally one class (<paramref name="label"/> indexes the dataset's class names).</summary>
    public async Task<AugmentedImagePage> ImagesAsync(string userId, Guid setId, int skip, int take, int? label, CancellationToken ct = default)
    {
        if (skip < 0 || take is < 1 or > MaxPageSize) throw new RequestRejectedException($"skip must be ≥ 0 and take between 1 and {MaxPageSize}.");
        var set = await FindAsync(userId, setId, TeamRole.Viewer, ct);
        var classNames = await ClassNamesAsync(set.DatasetId, ct);
        var query = db.AugmentedImages.AsNoTracking().Where(i => i.SetId == setId);
        if (label is not null) query = query.Where(i => i.Label == label);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(i => i.Index).Skip(skip).Take(take).ToListAsync(ct);
        return new AugmentedImagePage(total, skip, take,
            rows.Select(r => new AugmentedImageItem(r.Index, r.Label, ClassName(classNames, r.Label), r.Score)).ToList());
    }

    /// <summary>The blob hash of one image's PNG, after the access check.</summary>
    public async Task<string> ImageHashAsync(string userId, Guid setId, int index, CancellationToken ct = default)
    {
        await FindAsync(userId, setId, TeamRole.Viewer, ct);
        return await db.AugmentedImages.Where(i => i.SetId == setId && i.Index == index).Select(i => i.ContentHash).FirstOrDefaultAsync(ct)
            ?? throw AccessDeniedException.NotFound("Image");
    }

    internal async Task<AugmentedSet> FindAsync(string userId, Guid setId, TeamRole role, CancellationToken ct)
    {
        var set = await db.AugmentedSets.AsNoTracking().FirstOrDefaultAsync(s => s.Id == setId, ct) ?? throw AccessDeniedException.NotFound("Augmented set");
        await access.RequireAsync(userId, set.TeamId, role, "Augmented set", ct);
        return set;
    }

    /// <summary>The class names of the set's source dataset, for the set page's filter; checks the caller's access first.</summary>
    public async Task<List<string>> ClassNamesAsync(string userId, Guid setId, CancellationToken ct = default) =>
        await ClassNamesAsync((await FindAsync(userId, setId, TeamRole.Viewer, ct)).DatasetId, ct);

    /// <summary>Unchecked: only for callers that have already checked access to the set this dataset belongs to.</summary>
    internal async Task<List<string>> ClassNamesAsync(Guid datasetId, CancellationToken ct) =>
        DatasetMapping.ClassNames(await db.Datasets.AsNoTracking().SingleAsync(d => d.Id == datasetId, ct));

    internal static string? ClassName(IReadOnlyList<string> classNames, int? label) =>
        label is { } l && l >= 0 && l < classNames.Count ? classNames[l] : null;

    private async Task<List<AugmentedSummary>> SummariesAsync(List<AugmentedSet> sets, CancellationToken ct)
    {
        var ids = sets.Select(s => s.Id).ToList();
        var counts = await db.AugmentedImages.Where(i => ids.Contains(i.SetId)).GroupBy(i => new { i.SetId, i.Label })
            .Select(g => new { g.Key.SetId, g.Key.Label, Count = g.Count() }).ToListAsync(ct);
        var datasetIds = sets.Select(s => s.DatasetId).Distinct().ToList();
        var datasets = await db.Datasets.AsNoTracking().Where(d => datasetIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, ct);
        var modelIds = sets.Select(s => s.ModelId).Distinct().ToList();
        var runs = await db.TrainedModels.Where(m => modelIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.RunId, ct);
        var userIds = sets.Select(s => s.CreatedByUserId).Distinct().ToList();
        var users = await db.Users.Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email ?? u.Id, ct);
        return sets.Select(s =>
        {
            var classNames = DatasetMapping.ClassNames(datasets[s.DatasetId]);
            var classes = counts.Where(c => c.SetId == s.Id).OrderBy(c => c.Label ?? int.MaxValue)
                .Select(c => new ClassCount(ClassName(classNames, c.Label) ?? "unlabeled", c.Count)).ToList();
            var provenance = new AugmentedProvenance(s.ModelId, s.ModelFileHash, runs.GetValueOrDefault(s.ModelId), s.DatasetId, datasets[s.DatasetId].Name,
                s.Mode, JsonDocument.Parse(s.ParametersJson).RootElement.Clone(), s.Seed, JsonDocument.Parse(s.FilterJson).RootElement.Clone(),
                users.GetValueOrDefault(s.CreatedByUserId, s.CreatedByUserId), s.CreatedAt, s.StartedAt, s.FinishedAt, s.Requested, s.Generated, s.Kept,
                AugmentationMapping.Filter(s)?.Outcome,
                s.ClassFidelityJson is null ? null : JsonSerializer.Deserialize<ClassFidelityReport>(s.ClassFidelityJson, RunService.Json));
            return new AugmentedSummary(s.Id, s.Status, classes.Sum(c => c.Count), classes, provenance, s.Error,
                s.Name, LabelRules.ReadTags(s.TagsJson), s.Notes);
        }).ToList();
    }
}
