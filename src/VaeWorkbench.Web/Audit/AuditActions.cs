namespace VaeWorkbench.Web.Audit;

/// <summary>The actions the audit log records. Names are stable: filters and exported CSV files rely on them.</summary>
public static class AuditActions
{
    public const string DatasetUploaded = "dataset.uploaded";
    public const string DatasetRenamed = "dataset.renamed";
    public const string DatasetDeleted = "dataset.deleted";
    /// <summary>A dataset's class names were changed (the labels stay); the entry holds the names before and after.</summary>
    public const string DatasetClassesRenamed = "dataset.classes_renamed";
    public const string RunStarted = "run.started";
    public const string RunLabelled = "run.labelled";
    public const string AugmentedSetLabelled = "augmented.labelled";
    public const string RegisteredModelLabelled = "registry.model.labelled";
    public const string RunCancelled = "run.cancelled";
    public const string ModelDownloaded = "model.downloaded";
    public const string ModelRegistered = "registry.registered";
    public const string ModelImported = "registry.imported";
    public const string VersionDownloaded = "registry.downloaded";
    public const string AliasSet = "registry.alias_set";
    /// <summary>A registered model's card (its Markdown description) was replaced; the entry names the model, not the text.</summary>
    public const string CardUpdated = "registry.card_updated";
    public const string VersionCopied = "registry.copied";
    public const string VersionMoved = "registry.moved";
    public const string VersionDeleted = "registry.deleted";
    public const string InviteCreated = "member.invited";
    public const string InviteRevoked = "member.invite_revoked";
    public const string MemberJoined = "member.joined";
    public const string MemberRoleChanged = "member.role_changed";
    public const string MemberRemoved = "member.removed";
    public const string TeamRenamed = "team.renamed";
    /// <summary>For the review workflow (anomaly review) to record its decisions.</summary>
    public const string ReviewRecorded = "review.recorded";
    /// <summary>Images sent to a score job's review queue by hand (for example a latent map region).</summary>
    public const string ReviewQueued = "review.queued";
    /// <summary>A reviewer took back their last decision (or bulk decision) in a queue; the image's earlier decision is back.</summary>
    public const string ReviewUndone = "review.undone";
    public const string ImagesTagged = "images.tagged";

    public static readonly IReadOnlyList<string> All =
    [
        DatasetUploaded, DatasetRenamed, DatasetDeleted, DatasetClassesRenamed, RunStarted, RunLabelled, RunCancelled, AugmentedSetLabelled,
        RegisteredModelLabelled, ModelDownloaded, ModelRegistered, ModelImported, VersionDownloaded, AliasSet, CardUpdated, VersionCopied,
        VersionMoved, VersionDeleted, InviteCreated, InviteRevoked, MemberJoined, MemberRoleChanged,
        MemberRemoved, TeamRenamed, ReviewRecorded, ReviewQueued, ReviewUndone, ImagesTagged,
    ];
}
