using System.Globalization;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Hosting;

/// <summary>
/// Marks a sign-in endpoint (a page component or a minimal API): its POSTs are rate-limited per client IP and per
/// account. <see cref="AccountField"/> names the form field or JSON property that carries the account name.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class SignInRateLimitedAttribute(string accountField) : Attribute
{
    public string AccountField { get; } = accountField;
}

/// <summary>
/// ASP.NET Core's rate limiter, applied to sign-in attempts only. Lockout stops guessing one account's password; this
/// also stops one address trying many accounts, and many addresses hammering one account (which would keep it locked).
/// </summary>
public static class SignInRateLimiting
{
    private const string AccountItem = "vwb.sign-in.account";
    private const int MaxInspectedBodyBytes = 64 * 1024;

    public static IHostApplicationBuilder AddVaeSignInRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SignInRateLimitOptions>().Bind(builder.Configuration.GetSection(SignInRateLimitOptions.SectionName))
            .Validate(o => o.PermitsPerIp >= 1 && o.PermitsPerAccount >= 1, "Auth:RateLimit permits must be at least 1")
            .Validate(o => o.WindowSeconds >= 1, "Auth:RateLimit:WindowSeconds must be at least 1")
            .ValidateOnStart();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<SignInRateLimitOptions>>((o, limits) =>
        {
            var window = TimeSpan.FromSeconds(limits.Value.WindowSeconds);
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                Limiter(window, limits.Value.PermitsPerIp, c => "ip:" + (c.Connection.RemoteIpAddress?.ToString() ?? "unknown")),
                Limiter(window, limits.Value.PermitsPerAccount, c => c.Items[AccountItem] is string account ? "account:" + account : null));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = RejectAsync;
        });
        return builder;
    }

    /// <summary>Reads the account name of a sign-in attempt, then applies the limits. Must come after routing.</summary>
    public static WebApplication UseVaeSignInRateLimiting(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (SignInEndpoint(context) is { } marker && await AccountNameAsync(context, marker.AccountField) is { Length: > 0 } account)
                context.Items[AccountItem] = account.Trim().ToUpperInvariant();
            await next(context);
        });
        app.UseRateLimiter();
        return app;
    }

    private static SignInRateLimitedAttribute? SignInEndpoint(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) ? context.GetEndpoint()?.Metadata.GetMetadata<SignInRateLimitedAttribute>() : null;

    /// <summary>A fixed window per key, for sign-in POSTs that have a key; every other request is not limited.</summary>
    private static PartitionedRateLimiter<HttpContext> Limiter(TimeSpan window, int permits, Func<HttpContext, string?> key) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
            SignInEndpoint(context) is not null && key(context) is { } partition
                ? RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true,
                })
                : RateLimitPartition.GetNoLimiter("unlimited"));

    private static async Task<string?> AccountNameAsync(HttpContext context, string field)
    {
        var request = context.Request;
        if (request.HasFormContentType) return (await request.ReadFormAsync(context.RequestAborted))[field].ToString();
        if (request.HasJsonContentType() && request.ContentLength is > 0 and <= MaxInspectedBodyBytes)
        {
            // The endpoint binds the same body afterwards, so read it from a buffer and rewind.
            request.EnableBuffering();
            try
            {
                using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: context.RequestAborted);
                if (body.RootElement.ValueKind != JsonValueKind.Object) return null;
                // Case-insensitive, as the endpoint's own binding is.
                foreach (var property in body.RootElement.EnumerateObject())
                    if (string.Equals(property.Name, field, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                        return property.Value.GetString();
                return null;
            }
            catch (JsonException)
            {
                return null; // The endpoint answers the malformed body itself; the per-IP limit still counts the attempt.
            }
            finally
            {
                request.Body.Position = 0;
            }
        }
        return null;
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Api.ApiProblems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many sign-in attempts",
            $"Too many sign-in attempts from this address or for this account. Try again in {seconds} s.");
    }
}
