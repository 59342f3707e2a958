namespace VaeWorkbench.Web.Data.Entities;

/// <summary>
/// A signed-in browser. The login cookie carries only this row's key; the ticket (who, since when, the security stamp)
/// stays here, so signing out deletes the row and a copy of the cookie stops working on every server at once.
/// </summary>
public sealed class UserSession
{
    /// <summary>Random, 256 bits, base64url: the key the cookie carries.</summary>
    public required string Id { get; set; }

    public required string UserId { get; set; }

    /// <summary>The authentication ticket, serialised and protected with the app's data-protection keys.</summary>
    public required byte[] Ticket { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }
}
