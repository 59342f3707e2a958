namespace VaeWorkbench.Web.Options;

/// <summary>Sign-up and sign-in policy. Bound from the <c>Auth</c> section.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Anyone may register when true (the embedded default); otherwise registration needs a valid invite code.</summary>
    public bool OpenRegistration { get; set; } = true;

    /// <summary>Failed sign-ins in a row before the account is locked.</summary>
    public int MaxFailedAccessAttempts { get; set; } = 5;

    public int LockoutMinutes { get; set; } = 15;

    public int MinPasswordLength { get; set; } = 8;

    /// <summary>How long an invite code stays valid.</summary>
    public int InviteValidDays { get; set; } = 7;
}
