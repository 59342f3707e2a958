namespace VaeWorkbench.Web.Options;

/// <summary>Who administers the server (sees backups and other server-wide state). Bound from the <c>Admin</c> section.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>
    /// E-mail addresses of the server administrators, compared case-insensitively. Empty (the default): the first user
    /// who registered on this server is its administrator.
    /// </summary>
    public string[] Emails { get; set; } = [];
}
