namespace VaeWorkbench.Web.Data.Entities;

/// <summary>One line of a team's append-only audit log: who did what to which object, and when. Never updated or deleted by the app.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public Guid TeamId { get; set; }

    public required string UserId { get; set; }

    /// <summary>What happened, e.g. <c>model.registered</c> (see <c>AuditActions</c>).</summary>
    public required string Action { get; set; }

    public required string ObjectType { get; set; }

    public required string ObjectId { get; set; }

    /// <summary>Details as a JSON object.</summary>
    public string DetailsJson { get; set; } = "{}";

    public DateTimeOffset At { get; set; }
}
