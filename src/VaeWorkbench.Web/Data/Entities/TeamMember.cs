namespace VaeWorkbench.Web.Data.Entities;

public sealed class TeamMember
{
    public Guid TeamId { get; set; }

    public Team? Team { get; set; }

    public required string UserId { get; set; }

    public AppUser? User { get; set; }

    public TeamRole Role { get; set; }

    public DateTimeOffset JoinedAt { get; set; }
}
