using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Runs;

public sealed record ModelSummary(Guid Id, Guid RunId, Guid DatasetId, string DatasetName, JsonElement Config, ModelMetrics Metrics, long FileBytes, DateTimeOffset CreatedAt);

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
