namespace VaeWorkbench.Web.Data.Entities;

/// <summary>
/// One submission of the new-run form or of <c>POST /api/runs</c>, named by the submitter's idempotency key. The key is
/// unique per user, so a repeated submission (a double click, a client's retry) finds the run the first one created.
/// </summary>
public sealed class RunSubmission
{
    public required string UserId { get; set; }

    public required string Key { get; set; }

    public Guid RunId { get; set; }
}
