using Microsoft.AspNetCore.Identity;

namespace VaeWorkbench.Web.Data.Entities;

/// <summary>A person who signs in. Identity's fields plus the team the user last worked in.</summary>
public sealed class AppUser : IdentityUser
{
    public Guid? CurrentTeamId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Light, dark or the system's theme; null until the user first chooses.</summary>
    public VaeWorkbench.Web.Theming.ThemeChoice? ThemeChoice { get; set; }

    public List<TeamMember> Memberships { get; set; } = [];
}
