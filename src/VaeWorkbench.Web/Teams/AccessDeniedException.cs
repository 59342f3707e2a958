namespace VaeWorkbench.Web.Teams;

/// <summary>
/// A request named an object the caller may not touch. <see cref="Hidden"/> means the caller is not in the owning team,
/// so the answer is 404 and does not confirm the object exists; otherwise the caller's role is too low (403).
/// </summary>
public sealed class AccessDeniedException(string message, bool hidden) : Exception(message)
{
    public bool Hidden { get; } = hidden;

    public static AccessDeniedException NotFound(string what) => new($"{what} was not found", hidden: true);

    public static AccessDeniedException Forbidden(string message) => new(message, hidden: false);
}

/// <summary>
/// A request that is well-formed but asks for something invalid (400), with a message for the user. With
/// <see cref="Field"/> (its JSON path, such as <c>filter.balance</c>) the answer also lists the message under that field.
/// </summary>
public sealed class RequestRejectedException(string message, string? field = null) : Exception(message)
{
    public string? Field { get; } = field;
}
