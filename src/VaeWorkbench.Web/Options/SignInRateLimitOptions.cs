namespace VaeWorkbench.Web.Options;

/// <summary>
/// How many sign-in attempts (the login form and <c>POST /api/auth/token</c>) are allowed per window, counted both per
/// client IP address and per account name; the first limit reached answers 429. Bound from <c>Auth:RateLimit</c>.
/// </summary>
public sealed class SignInRateLimitOptions
{
    public const string SectionName = "Auth:RateLimit";

    /// <summary>Attempts one IP address may make per window, whatever accounts it names.</summary>
    public int PermitsPerIp { get; set; } = 30;

    /// <summary>Attempts that may name one account per window, from any number of addresses.</summary>
    public int PermitsPerAccount { get; set; } = 10;

    public int WindowSeconds { get; set; } = 60;
}
