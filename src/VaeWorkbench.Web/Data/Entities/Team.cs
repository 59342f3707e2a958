namespace VaeWorkbench.Web.Data.Entities;

/// <summary>The unit of ownership: every domain object belongs to exactly one team.</summary>
public sealed class Team
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    /// <summary>True for the team created for a user at registration.</summary>
    public bool IsPersonal { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<TeamMember> Members { get; set; } = [];
}
