using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Engine.Model;
using VaeWorkbench.Onnx;
using VaeWorkbench.Web.Audit;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Datasets;
using VaeWorkbench.Web.Labels;
using VaeWorkbench.Web.Runs;
using VaeWorkbench.Web.Storage;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Registry;

/// <summary>
/// The team's model registry: named models, their numbered versions, and aliases. Models are addressed by (team, name);
/// every method checks the caller's role in that team first, so another team's names read as not found.
/// </summary>
public sealed class RegistryService(AppDbContext db, TeamAccess access, BlobStore blobs, ModelCache cache, AuditLog audit, TimeProvider clock)
{
    /// <summary>Registers a succeeded run's model as the next version of <paramref name="request"/>.Name in the run's team (Editor).</summary>
    public async Task<RegisteredVersionResponse> RegisterAsync(string userId, RegisterVersionRequest request, CancellationToken ct = default)
    {
        var run = await db.TrainingRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == request.RunId, ct) ?? throw AccessDeniedException.NotFound("Run");
        await access.RequireAsync(userId, run.TeamId, TeamRole.Editor, "Run", ct);
        var name = RegistryNames.Name(request.Name);
        var tags = RegistryNames.Tags(request.Tags);
        var description = RegistryNames.Description(request.Description);
        if (run.Status != RunStatus.Succeeded) throw new RequestRejectedException($"Only a succeeded run can be registered; this run is {run.Status}.");
        var trained = await db.TrainedModels.AsNoTracking().FirstOrDefaultAsync(m => m.RunId == run.Id, ct)
            ?? throw new RequestRejectedException("This run has no trained model.");
        var dataset = await db.Datasets.AsNoTracking().FirstOrDefaultAsync(d => d.Id == trained.DatasetId, ct);

        var (samples, reconstructions) = await cache.UseAsync(trained.FileHash, loaded => (
            RegistryGrids.Samples(loaded.Model),
            dataset?.TensorHash is { } tensor ? RegistryGrids.Reconstructions(loaded.Model, ReadDataset(tensor)) : null), ct);

        var version = new ModelVersion
        {
            Id = Guid.NewGuid(), SourceModelId = trained.Id, RunId = run.Id, DatasetId = trained.DatasetId,
            FileHash = trained.FileHash, FileBytes = trained.FileBytes, TagsJson = JsonSerializer.Serialize(tags), Description = description,
            ConfigJson = trained.ConfigJson, MetricsJson = trained.MetricsJson,
            SampleGridHash = blobs.Put(samples), ReconstructionGridHash = reconstructions is null ? null : blobs.Put(reconstructions),
            CreatedByUserId = userId, CreatedAt = clock.GetUtcNow(),
        };
        var number = await SaveNewVersionAsync(run.TeamId, name, userId, version,
            n => audit.Add(run.TeamId, userId, AuditActions.ModelRegistered, "ModelVersion", version.Id, new { name, version = n, runId = run.Id }), ct);
        return new RegisteredVersionResponse(name, number);
    }

    /// <summary>
    /// Imports a <c>.vae</c> file from another installation as the next version of <paramref name="rawName"/> (Editor).
    /// The file is validated completely first; a bad file stores nothing (no blob, no rows).
    /// </summary>
    public async Task<RegisteredVersionResponse> ImportAsync(string userId, Guid teamId, string? rawName, byte[] file, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Editor, ct: ct);
        var name = RegistryNames.Name(rawName);
        var loaded = await Task.Run(() => ModelImportValidator.Validate(file), ct);
        var samples = await Task.Run(() => RegistryGrids.Samples(loaded.Model), ct);
        var last = loaded.History.Count > 0 ? loaded.History[^1] : null;
        var metrics = last is null
            ? "{}"
            : JsonSerializer.Serialize(new ModelMetrics(last.TrainLoss, last.TrainReconstruction, last.TrainKl, last.ValidationLoss,
                last.ValidationReconstruction, last.ValidationKl, last.Epoch, loaded.Model.ParameterCount,
                loaded.History.Sum(h => h.EpochSeconds), false), RunService.Json);

        var version = new ModelVersion
        {
            Id = Guid.NewGuid(), FileHash = blobs.Put(file), FileBytes = file.Length,
            ConfigJson = JsonSerializer.Serialize(loaded.Model.Config, RunService.Json), MetricsJson = metrics,
            SampleGridHash = blobs.Put(samples), CreatedByUserId = userId, CreatedAt = clock.GetUtcNow(),
        };
        var number = await SaveNewVersionAsync(teamId, name, userId, version,
            n => audit.Add(teamId, userId, AuditActions.ModelImported, "ModelVersion", version.Id, new { name, version = n, bytes = file.Length }), ct);
        return new RegisteredVersionResponse(name, number);
    }

    public async Task<List<RegisteredModelSummary>> ListAsync(string userId, Guid teamId, string? search, string? tag, CancellationToken ct = default)
    {
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, ct: ct);
        var models = await db.RegisteredModels.AsNoTracking().Where(m => m.TeamId == teamId).OrderBy(m => m.Name).ToListAsync(ct);
        var ids = models.Select(m => m.Id).ToList();
        var versions = await db.ModelVersions.AsNoTracking().Where(v => ids.Contains(v.RegisteredModelId))
            .Select(v => new { v.RegisteredModelId, v.Id, v.Version, v.TagsJson, v.CreatedAt }).ToListAsync(ct);
        var aliases = await db.ModelAliases.AsNoTracking().Where(a => ids.Contains(a.RegisteredModelId)).ToListAsync(ct);

        var result = new List<RegisteredModelSummary>();
        foreach (var m in models)
        {
            var own = versions.Where(v => v.RegisteredModelId == m.Id).ToList();
            if (own.Count == 0) continue;
            var tags = LabelRules.ReadTags(m.TagsJson).Concat(own.SelectMany(v => ParseTags(v.TagsJson)))
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (!string.IsNullOrWhiteSpace(search) && !m.Name.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase)
                && !m.Notes.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase)
                && !tags.Any(t => t.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase))) continue;
            if (!string.IsNullOrWhiteSpace(tag) && !tags.Contains(tag.Trim(), StringComparer.OrdinalIgnoreCase)) continue;
            var aliasMap = aliases.Where(a => a.RegisteredModelId == m.Id)
                .ToDictionary(a => a.Alias, a => own.First(v => v.Id == a.VersionId).Version);
            result.Add(new RegisteredModelSummary(m.Id, m.Name, m.Description, own.Max(v => v.Version), own.Count, aliasMap, tags, own.Max(v => v.CreatedAt), m.Notes));
        }
        return result;
    }

    /// <summary>Every tag on the team's models and their versions, for the list's tag filter (Viewer).</summary>
    public async Task<List<string>> TagsAsync(string userId, Guid teamId, CancellationToken ct = default) =>
        LabelRules.Distinct((await ListAsync(userId, teamId, null, null, ct)).SelectMany(m => m.Tags));

    /// <summary>
    /// One page of <see cref="ListAsync"/> for a grid, sorted and filtered here, with the number of models the filter
    /// matches. Tags live as JSON on each version, so the filter runs over the team's models after loading them.
    /// </summary>
    public async Task<RegistryPage> PageAsync(string userId, Guid teamId, RegistryQuery query, CancellationToken ct = default)
    {
        if (query.Skip < 0) throw new RequestRejectedException("skip must not be negative.");
        if (query.Take is < 1 or > RegistryQuery.MaxTake) throw new RequestRejectedException($"take must be between 1 and {RegistryQuery.MaxTake}.");
        var all = await ListAsync(userId, teamId, query.Search, query.Tag, ct);
        IEnumerable<RegisteredModelSummary> sorted = query.Sort switch
        {
            RegistrySort.LatestVersion => query.Descending ? all.OrderByDescending(m => m.LatestVersion) : all.OrderBy(m => m.LatestVersion),
            RegistrySort.Updated => query.Descending ? all.OrderByDescending(m => m.UpdatedAt) : all.OrderBy(m => m.UpdatedAt),
            _ => query.Descending ? all.OrderByDescending(m => m.Name, StringComparer.Ordinal) : all.OrderBy(m => m.Name, StringComparer.Ordinal),
        };
        return new RegistryPage(sorted.Skip(query.Skip).Take(query.Take).ToList(), all.Count);
    }

    public async Task<RegisteredModelDetails> GetAsync(string userId, Guid teamId, string name, CancellationToken ct = default)
    {
        var model = await FindAsync(userId, teamId, name, TeamRole.Viewer, ct);
        var versions = await db.ModelVersions.AsNoTracking().Where(v => v.RegisteredModelId == model.Id).OrderByDescending(v => v.Version).ToListAsync(ct);
        var aliases = await db.ModelAliases.AsNoTracking().Where(a => a.RegisteredModelId == model.Id).ToListAsync(ct);
        var datasetIds = versions.Where(v => v.DatasetId is not null).Select(v => v.DatasetId!.Value).Distinct().ToList();
        var datasets = await db.Datasets.AsNoTracking().Where(d => datasetIds.Contains(d.Id) && d.TeamId == teamId && d.DeletedAt == null)
            .ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var runIds = versions.Where(v => v.RunId is not null).Select(v => v.RunId!.Value).Distinct().ToList();
        var teamRuns = (await db.TrainingRuns.AsNoTracking().Where(r => runIds.Contains(r.Id) && r.TeamId == teamId).Select(r => r.Id).ToListAsync(ct)).ToHashSet();
        var userIds = versions.Select(v => v.CreatedByUserId).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email ?? u.Id, ct);
        return new RegisteredModelDetails(model.Id, teamId, model.Name, model.Description, versions.Select(v => new ModelVersionSummary(
            v.Version, ParseTags(v.TagsJson), aliases.Where(a => a.VersionId == v.Id).Select(a => a.Alias).Order().ToList(), v.Description,
            Parse(v.ConfigJson), Parse(v.MetricsJson), v.SourceModelId is null && v.RunId is null ? "import" : "run",
            // A run or dataset in another team (after a copy), or a deleted dataset, is not linked.
            v.RunId is { } r && teamRuns.Contains(r) ? r : null,
            v.DatasetId is { } d && datasets.ContainsKey(d) ? d : null, v.DatasetId is { } e && datasets.TryGetValue(e, out var dn) ? dn : null,
            v.FileBytes, v.ReconstructionGridHash is not null, users.GetValueOrDefault(v.CreatedByUserId, "(deleted user)"), v.CreatedAt)).ToList(),
            LabelRules.ReadTags(model.TagsJson), model.Notes);
    }

    /// <summary>The versions registered in the trained model's own team from that model, newest first (Viewer).</summary>
    public async Task<List<TrainedModelVersion>> VersionsOfTrainedModelAsync(string userId, Guid modelId, CancellationToken ct = default)
    {
        var teamId = await db.TrainedModels.Where(m => m.Id == modelId).Select(m => (Guid?)m.TeamId).FirstOrDefaultAsync(ct)
            ?? throw AccessDeniedException.NotFound("Model");
        await access.RequireAsync(userId, teamId, TeamRole.Viewer, "Model", ct);
        var rows = await db.ModelVersions.AsNoTracking().Where(v => v.SourceModelId == modelId)
            .Join(db.RegisteredModels.Where(m => m.TeamId == teamId), v => v.RegisteredModelId, m => m.Id, (v, m) => new { Version = v, Model = m })
            .ToListAsync(ct);
        var versionIds = rows.Select(r => r.Version.Id).ToList();
        var aliases = await db.ModelAliases.AsNoTracking().Where(a => versionIds.Contains(a.VersionId)).ToListAsync(ct);
        var userIds = rows.Select(r => r.Version.CreatedByUserId).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email ?? u.Id, ct);
        return [.. rows.OrderByDescending(r => r.Version.CreatedAt).Select(r => new TrainedModelVersion(r.Model.Name, r.Model.Description, r.Version.Version,
            aliases.Where(a => a.VersionId == r.Version.Id).Select(a => a.Alias).Order().ToList(), ParseTags(r.Version.TagsJson),
            users.GetValueOrDefault(r.Version.CreatedByUserId, "(deleted user)"), r.Version.CreatedAt))];
    }

    /// <summary>Points <paramref name="rawAlias"/> at a version, moving it from any other version of the model (Editor).</summary>
    public async Task SetAliasAsync(string userId, Guid teamId, string name, string rawAlias, int versionNumber, CancellationToken ct = default)
    {
        var model = await FindAsync(userId, teamId, name, TeamRole.Editor, ct);
        var aliasName = RegistryNames.Alias(rawAlias);
        var version = await VersionOfAsync(model, versionNumber, ct);
        var alias = await db.ModelAliases.FirstOrDefaultAsync(a => a.RegisteredModelId == model.Id && a.Alias == aliasName, ct);
        var previous = alias is null ? (int?)null : await db.ModelVersions.Where(v => v.Id == alias.VersionId).Select(v => v.Version).FirstAsync(ct);
        if (alias is null)
            db.ModelAliases.Add(alias = new ModelAlias { RegisteredModelId = model.Id, Alias = aliasName, SetByUserId = userId });
        alias.VersionId = version.Id;
        alias.SetByUserId = userId;
        alias.SetAt = clock.GetUtcNow();
        audit.Add(teamId, userId, AuditActions.AliasSet, "RegisteredModel", model.Id, new { name = model.Name, alias = aliasName, version = versionNumber, previous });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The model card's Markdown source (Viewer). <see cref="ModelCardRenderer"/> makes the HTML.</summary>
    public async Task<string> CardAsync(string userId, Guid teamId, string name, CancellationToken ct = default) =>
        (await FindAsync(userId, teamId, name, TeamRole.Viewer, ct)).Description;

    /// <summary>Replaces the model card (Editor), for the API and the model's page alike. The audit entry names the model, not the text.</summary>
    public async Task SetCardAsync(string userId, Guid teamId, string name, string? markdown, CancellationToken ct = default)
    {
        var model = await FindAsync(userId, teamId, name, TeamRole.Editor, ct);
        model.Description = RegistryNames.Card(markdown);
        audit.Add(teamId, userId, AuditActions.CardUpdated, "RegisteredModel", model.Id, new { name = model.Name });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Renames, re-tags or annotates a registered model (Editor). A new name must be free in the team.</summary>
    public async Task<LabelsResponse> UpdateLabelsAsync(string userId, Guid teamId, string name, LabelPatch patch, CancellationToken ct = default)
    {
        var model = await FindAsync(userId, teamId, name, TeamRole.Editor, ct);
        var previousName = model.Name;
        var changed = LabelRules.Apply(model, patch, n => LabelRules.AtField("name", () => RegistryNames.Name(n)));
        if (changed.ContainsKey("name"))
        {
            if (await db.RegisteredModels.AnyAsync(m => m.TeamId == teamId && m.Name == model.Name && m.Id != model.Id, ct))
                throw new RequestRejectedException($"The team already has a registered model named '{model.Name}'.", "name");
            changed["previousName"] = previousName;
        }
        if (changed.Count > 0) audit.Add(teamId, userId, AuditActions.RegisteredModelLabelled, "RegisteredModel", model.Id, changed);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DatabaseErrors.IsDuplicateKey(e))
        {
            throw new RequestRejectedException($"The team already has a registered model named '{model.Name}'.", "name");
        }
        return new LabelsResponse(model.Id, model.Name, LabelRules.ReadTags(model.TagsJson), model.Notes);
    }

    /// <summary>The blob of a version's <c>.vae</c> file for download (Viewer); the download is logged.</summary>
    public Task<(string Hash, string FileName)> DownloadAsync(string userId, Guid teamId, string name, int versionNumber, CancellationToken ct = default) =>
        DownloadAsync(userId, teamId, name, versionNumber, includeTrainingState: false, ct);

    /// <summary>The version's stored file and its download name, after the access check; the download is audited with what it includes.</summary>
    public async Task<(string Hash, string FileName)> DownloadAsync(string userId, Guid teamId, string name, int versionNumber, bool includeTrainingState, CancellationToken ct = default)
    {
        var model = await FindAsync(userId, teamId, name, TeamRole.Viewer, ct);
        var version = await VersionOfAsync(model, versionNumber, ct);
        await audit.RecordAsync(teamId, userId, AuditActions.VersionDownloaded, "ModelVersion", version.Id, new { name = model.Name, version = versionNumber, includeTrainingState, format = "vae" }, ct);
        // The name is restricted to [A-Za-z0-9._-], so it is safe in a Content-Disposition header as it is.
        return (version.FileHash, $"{model.Name}-v{versionNumber}.vae");
    }

    /// <summary>
    /// A version exported to ONNX, as a ZIP of encoder.onnx, decoder.onnx and README.txt (Viewer), audited as a download
    /// with format "onnx". A model the export cannot represent is a 400 naming why, and no download is recorded.
    /// </summary>
    public async Task<(byte[] Zip, string FileName)> DownloadOnnxAsync(string userId, Guid teamId, string name, int versionNumber, CancellationToken ct = default)
    {
        var model = await FindAsync(userId, teamId, name, TeamRole.Viewer, ct);
        var version = await VersionOfAsync(model, versionNumber, ct);
        OnnxExport export;
        try
        {
            export = await cache.UseAsync(version.FileHash, loaded => VaeOnnxExporter.Export(loaded, $"{model.Name} version {versionNumber}"), ct);
        }
        catch (OnnxExportException e)
        {
            throw new RequestRejectedException($"This version cannot be exported to ONNX: {e.Message}.", "format");
        }
        await audit.RecordAsync(teamId, userId, AuditActions.VersionDownloaded, "ModelVersion", version.Id, new { name = model.Name, version = versionNumber, includeTrainingState = false, format = "onnx" }, ct);
        return (export.ToZip(), $"{model.Name}-v{versionNumber}-onnx.zip");
    }

    /// <summary>The sample or reconstruction grid PNG of a version (Viewer); null when the version has none.</summary>
    public async Task<string?> GridAsync(string userId, Guid teamId, string name, int versionNumber, bool reconstructions, CancellationToken ct = default)
    {
        var model = await FindAsync(userId, teamId, name, TeamRole.Viewer, ct);
        var version = await VersionOfAsync(model, versionNumber, ct);
        return reconstructions ? version.ReconstructionGridHash : version.SampleGridHash;
    }

    /// <summary>
    /// Copies a version to another team the caller belongs to, as the next version of a model there (by default the same
    /// name); with <see cref="CopyVersionRequest.Move"/> the source version is removed. Needs Editor in both teams.
    /// </summary>
    public async Task<RegisteredVersionResponse> CopyAsync(string userId, Guid teamId, string name, int versionNumber, CopyVersionRequest request, CancellationToken ct = default)
    {
        var model = await FindAsync(userId, teamId, name, TeamRole.Editor, ct);
        var source = await VersionOfAsync(model, versionNumber, ct);
        await access.RequireAsync(userId, request.TargetTeamId, TeamRole.Editor, "Target team", ct);
        if (request.TargetTeamId == teamId) throw new RequestRejectedException("The target team is the model's own team; choose another team.");
        var targetName = RegistryNames.Name(request.TargetName ?? model.Name);
        var copy = new ModelVersion
        {
            Id = Guid.NewGuid(), SourceModelId = source.SourceModelId, RunId = source.RunId, DatasetId = source.DatasetId,
            FileHash = source.FileHash, FileBytes = source.FileBytes, TagsJson = source.TagsJson, Description = source.Description,
            ConfigJson = source.ConfigJson, MetricsJson = source.MetricsJson, SampleGridHash = source.SampleGridHash,
            ReconstructionGridHash = source.ReconstructionGridHash, CreatedByUserId = userId, CreatedAt = clock.GetUtcNow(),
        };
        var action = request.Move ? AuditActions.VersionMoved : AuditActions.VersionCopied;
        var number = await SaveNewVersionAsync(request.TargetTeamId, targetName, userId, copy, n =>
        {
            var details = new { from = new { teamId, name = model.Name, version = versionNumber }, to = new { teamId = request.TargetTeamId, name = targetName, version = n } };
            audit.Add(teamId, userId, action, "ModelVersion", source.Id, details);
            audit.Add(request.TargetTeamId, userId, action, "ModelVersion", copy.Id, details);
            if (request.Move) db.ModelVersions.Remove(source);
        }, ct);
        return new RegisteredVersionResponse(targetName, number);
    }

    /// <summary>Deletes a version and its aliases (Owner). The file blob stays: other versions may share it.</summary>
    public async Task DeleteVersionAsync(string userId, Guid teamId, string name, int versionNumber, CancellationToken ct = default)
    {
        var model = await FindAsync(userId, teamId, name, TeamRole.Owner, ct);
        var version = await VersionOfAsync(model, versionNumber, ct);
        db.ModelVersions.Remove(version);
        audit.Add(teamId, userId, AuditActions.VersionDeleted, "ModelVersion", version.Id, new { name = model.Name, version = versionNumber });
        await db.SaveChangesAsync(ct);
    }

    private async Task<RegisteredModel> FindAsync(string userId, Guid teamId, string name, TeamRole role, CancellationToken ct)
    {
        await access.RequireAsync(userId, teamId, role, "Registered model", ct);
        return await db.RegisteredModels.FirstOrDefaultAsync(m => m.TeamId == teamId && m.Name == name, ct)
            ?? throw AccessDeniedException.NotFound("Registered model");
    }

    private async Task<ModelVersion> VersionOfAsync(RegisteredModel model, int number, CancellationToken ct) =>
        await db.ModelVersions.FirstOrDefaultAsync(v => v.RegisteredModelId == model.Id && v.Version == number, ct)
        ?? throw AccessDeniedException.NotFound($"Version {number} of '{model.Name}'");

    /// <summary>
    /// Saves the version under the next number of (team, name), with the changes <paramref name="alongside"/> adds for
    /// that number. Two registrations racing for one number (or for creating the model) collide on a unique index; the
    /// loser starts again from a clean change tracker with the next number.
    /// </summary>
    private async Task<int> SaveNewVersionAsync(Guid teamId, string name, string userId, ModelVersion version, Action<int> alongside, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var number = await AddVersionAsync(teamId, name, userId, version, ct);
            alongside(number);
            try
            {
                await db.SaveChangesAsync(ct);
                return number;
            }
            catch (DbUpdateException) when (attempt < MaxSaveAttempts)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private const int MaxSaveAttempts = 10;

    /// <summary>Adds the version under the next number of (team, name), creating the registered model on first use. Not saved yet.</summary>
    private async Task<int> AddVersionAsync(Guid teamId, string name, string userId, ModelVersion version, CancellationToken ct)
    {
        var model = await db.RegisteredModels.FirstOrDefaultAsync(m => m.TeamId == teamId && m.Name == name, ct);
        if (model is null)
            db.RegisteredModels.Add(model = new RegisteredModel { Id = Guid.NewGuid(), TeamId = teamId, Name = name, CreatedByUserId = userId, CreatedAt = clock.GetUtcNow() });
        var number = 1 + (await db.ModelVersions.Where(v => v.RegisteredModelId == model.Id).MaxAsync(v => (int?)v.Version, ct) ?? 0);
        version.RegisteredModelId = model.Id;
        version.Version = number;
        db.ModelVersions.Add(version);
        return number;
    }

    private Engine.Data.ImageDataset ReadDataset(string tensorHash)
    {
        using var stream = blobs.OpenRead(tensorHash);
        return DatasetTensorFile.Read(stream);
    }

    private static List<string> ParseTags(string json) => JsonSerializer.Deserialize<List<string>>(json) ?? [];

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
