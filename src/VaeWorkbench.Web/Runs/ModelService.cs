using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Runs;

public sealed record ModelSummary(Guid Id, Guid RunId, Guid DatasetId, string DatasetName, JsonElement Config, ModelMetrics Metrics, long FileBytes, DateTimeOffset CreatedAt);

/// <summary>The columns the model list sorts by.</summary>
public enum ModelSort
{
    Created,
    Dataset,
    ValidationLoss,
    Epochs,
}

/// <summary>
/// One page of a team's trained models: <paramref name="Search"/> matches the dataset name or the architecture,
/// <paramref name="Architecture"/> (mlp, conv) keeps one kind only.
/// </summary>
public sealed record ModelQuery(int Skip, int Take, string? Search = null, string? Architecture = null, ModelSort Sort = ModelSort.Created, bool Descending = true);

public sealed record ModelPage(IReadOnlyList<ModelSummary> Items, int Total);

/// <summary>Trained models of a team, as succeeded runs produced them.</summary>
public sealed class ModelService(AppDbContext db, TeamAccess access)
{
    public async Task<ModelSummary> GetAsync(string userId, Guid modelId, CancellationToken ct = default)
    {
        var teamId = await db.TrainedModels.Where(m => m.Id == modelId).Select(m => (Guid?)m.TeamId).FirstOrDefaultAsync(ct)
            ?? throw AccessDeniedException.NotFound("Model");
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, "Model", ct);
        return (await SummariesAsync(db.TrainedModels.Where(m => m.Id == modelId), ct)).Single();
    }

    public async Task<List<ModelSummary>> ListAsync(string userId, Guid teamId, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        return await SummariesAsync(db.TrainedModels.Where(m => m.TeamId == teamId), ct);
    }

    /// <summary>
    /// One page of the team's models. Filtering and the date and dataset sorts run in the database; loss and epochs live in
    /// the metrics JSON, so those two sorts read the filtered rows' metrics (small) and then fetch only the page.
    /// </summary>
    public async Task<ModelPage> PageAsync(string userId, Guid teamId, ModelQuery query, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        var take = Math.Clamp(query.Take, 1, 200);
        var skip = Math.Max(0, query.Skip);
        var rows = db.TrainedModels.AsNoTracking().Where(m => m.TeamId == teamId)
            .Join(db.Datasets, m => m.DatasetId, d => d.Id, (m, d) => new { Model = m, DatasetName = d.Name });
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var architecture = ArchitectureFragment(query.Search.Trim());
            rows = rows.Where(TextSearch.AnyContains(rows, db, query.Search, r => r.DatasetName)
                .Or(r => architecture != null && r.Model.ConfigJson.Contains(architecture)));
        }
        if (!string.IsNullOrWhiteSpace(query.Architecture) && ArchitectureFragment(query.Architecture.Trim()) is { } only)
            rows = rows.Where(r => r.Model.ConfigJson.Contains(only));
        var total = await rows.CountAsync(ct);

        List<Guid> ids;
        if (query.Sort is ModelSort.Created or ModelSort.Dataset)
        {
            var ordered = (query.Sort, query.Descending) switch
            {
                (ModelSort.Dataset, false) => rows.OrderBy(r => r.DatasetName).ThenByDescending(r => r.Model.CreatedAt),
                (ModelSort.Dataset, true) => rows.OrderByDescending(r => r.DatasetName).ThenByDescending(r => r.Model.CreatedAt),
                (_, false) => rows.OrderBy(r => r.Model.CreatedAt),
                _ => rows.OrderByDescending(r => r.Model.CreatedAt),
            };
            ids = await ordered.Skip(skip).Take(take).Select(r => r.Model.Id).ToListAsync(ct);
        }
        else
        {
            var metrics = (await rows.Select(r => new { r.Model.Id, r.Model.MetricsJson, r.Model.CreatedAt }).ToListAsync(ct))
                .Select(r => (r.Id, r.CreatedAt, Metrics: JsonSerializer.Deserialize<ModelMetrics>(r.MetricsJson, RunService.Json)!));
            Func<(Guid Id, DateTimeOffset CreatedAt, ModelMetrics Metrics), double> key = query.Sort == ModelSort.Epochs
                ? r => r.Metrics.Epochs
                // Models without a validation split sort after every model with one, either way round.
                : r => r.Metrics.ValLoss ?? (query.Descending ? double.NegativeInfinity : double.PositiveInfinity);
            var sorted = query.Descending ? metrics.OrderByDescending(key) : metrics.OrderBy(key);
            ids = [.. sorted.ThenByDescending(r => r.CreatedAt).Skip(skip).Take(take).Select(r => r.Id)];
        }
        var page = (await SummariesAsync(db.TrainedModels.Where(m => ids.Contains(m.Id)), ct)).ToDictionary(m => m.Id);
        return new ModelPage([.. ids.Select(id => page[id])], total);
    }

    /// <summary>How the stored config JSON spells an architecture the user typed, or null when it names none.</summary>
    private static string? ArchitectureFragment(string text) =>
        Enum.TryParse<VaeWorkbench.Engine.Model.VaeArchitecture>(text, ignoreCase: true, out var architecture) && Enum.IsDefined(architecture)
            ? $"\"architecture\":{JsonSerializer.Serialize(architecture, RunService.Json)}"
            : null;

    /// <summary>The blob hash of a model's <c>.vae</c> file, after checking the caller may read it.</summary>
    public async Task<(string Hash, long Bytes)> FileAsync(string userId, Guid modelId, CancellationToken ct = default)
    {
        var model = await db.TrainedModels.AsNoTracking().FirstOrDefaultAsync(m => m.Id == modelId, ct) ?? throw AccessDeniedException.NotFound("Model");
        await access.RequireAsync(userId, model.TeamId, TeamRole.Viewer, "Model", ct);
        return (model.FileHash, model.FileBytes);
    }

    private async Task<List<ModelSummary>> SummariesAsync(IQueryable<TrainedModel> models, CancellationToken ct)
    {
        var rows = await models.OrderByDescending(m => m.CreatedAt)
            .Join(db.Datasets, m => m.DatasetId, d => d.Id, (m, d) => new { Model = m, DatasetName = d.Name })
            .ToListAsync(ct);
        return rows.Select(r => new ModelSummary(r.Model.Id, r.Model.RunId, r.Model.DatasetId, r.DatasetName,
            JsonDocument.Parse(r.Model.ConfigJson).RootElement.Clone(),
            JsonSerializer.Deserialize<ModelMetrics>(r.Model.MetricsJson, RunService.Json)!,
            r.Model.FileBytes, r.Model.CreatedAt)).ToList();
    }
}
