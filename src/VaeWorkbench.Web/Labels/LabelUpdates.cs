using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Audit;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Labels;

/// <summary>The one <c>PATCH</c> of a labelled object (a run or an augmented set): find it, check the Editor role, apply, audit.</summary>
public static class LabelUpdates
{
    /// <param name="kind">How people and the audit log name the object.</param>
    public static async Task<LabelsResponse> UpdateAsync<T>(
        AppDbContext db, TeamAccess access, AuditLog audit, string userId, Guid id, LabelPatch patch, LabelledKind kind,
        CancellationToken ct) where T : class, ILabelled
    {
        var target = await db.Set<T>().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw AccessDeniedException.NotFound(kind.Noun);
        await access.RequireAsync(userId, target.TeamId, TeamRole.Editor, kind.Noun, ct);
        var changed = LabelRules.Apply(target, patch, kind.NameSubject);
        if (changed.Count > 0) audit.Add(target.TeamId, userId, kind.AuditAction, kind.AuditObjectType, target.Id, changed);
        await db.SaveChangesAsync(ct);
        return new LabelsResponse(target.Id, target.Name, LabelRules.ReadTags(target.TagsJson), target.Notes);
    }
}

/// <summary>A labelled kind of object: "Run" in errors, "A run name" in refusals, its audit action and object type.</summary>
public sealed record LabelledKind(string Noun, string NameSubject, string AuditAction, string AuditObjectType)
{
    public static readonly LabelledKind Run = new("Run", "A run name", AuditActions.RunLabelled, "Run");

    public static readonly LabelledKind AugmentedSet = new("Augmented set", "A set name", AuditActions.AugmentedSetLabelled, "AugmentedSet");
}
