using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Runs;

/// <summary>
/// The idempotency key of a run submission: the new-run form makes one per form, API clients send one in the
/// <c>Idempotency-Key</c> header. The same key from the same user always answers with the same run.
/// </summary>
public static class RunSubmissionKey
{
    public const string Header = "Idempotency-Key";

    public const int MaxLength = 100;

    public static void Validate(string? key)
    {
        if (key is null) return;
        if (key.Length is 0 or > MaxLength || key.Any(c => c is < '!' or > '~'))
            throw new RequestRejectedException($"{Header} must be 1 to {MaxLength} printable ASCII characters without spaces.");
    }
}
