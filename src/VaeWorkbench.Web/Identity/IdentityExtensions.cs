using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using VaeWorkbench.Web.Api;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Identity;

public static class IdentityExtensions
{
    /// <summary>The scheme that picks a bearer token when one is sent, else the login cookie.</summary>
    public const string CookieOrTokenScheme = "CookieOrToken";

    public static IHostApplicationBuilder AddVaeIdentity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var auth = builder.Configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.SectionName))
            .Validate(o => o.MaxFailedAccessAttempts >= 1, "Auth:MaxFailedAccessAttempts must be at least 1")
            .Validate(o => o.MinPasswordLength >= 6, "Auth:MinPasswordLength must be at least 6")
            .ValidateOnStart();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieOrTokenScheme;
                o.DefaultChallengeScheme = CookieOrTokenScheme;
            })
            .AddPolicyScheme(CookieOrTokenScheme, "Login cookie or API token", o =>
                o.ForwardDefaultSelector = context =>
                    context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        ? ApiTokenAuthenticationHandler.SchemeName
                        : IdentityConstants.ApplicationScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(
                ApiTokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/login";
            o.Cookie.Name = "vwb.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.SlidingExpiration = true;
            // The API answers 401/403 instead of redirecting to the login page.
            o.Events.OnRedirectToLogin = context => ApiAwareRedirect(context.HttpContext, context.RedirectUri, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context.HttpContext, context.RedirectUri, StatusCodes.Status403Forbidden);
        });

        services.AddIdentityCore<AppUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = auth.MinPasswordLength;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = auth.MaxFailedAccessAttempts;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(auth.LockoutMinutes);
            })
            .AddPasswordValidator<PasswordLengthValidator>()
            .AddSignInManager()
            .AddEntityFrameworkStores<AppDbContext>();
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.AddSingleton<DatabaseTicketStore>();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<DatabaseTicketStore>((cookie, sessions) => cookie.SessionStore = sessions);

        services.AddScoped<AccountService>();
        services.AddSingleton<UnknownAccountLockout>();
        services.AddScoped<ApiTokenService>();
        services.AddScoped<VaeWorkbench.Web.Theming.ThemePreferences>();
        services.AddScoped<TeamAccess>();
        services.AddScoped<TeamService>();
        services.AddScoped<InviteService>();
        services.AddSingleton(TimeProvider.System);

        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        services.AddAuthorization();
        return builder;
    }

    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The request is not signed in.");

    private static Task ApiAwareRedirect(HttpContext context, string redirectUri, int apiStatus)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.Redirect(redirectUri);
            return Task.CompletedTask;
        }
        return apiStatus == StatusCodes.Status401Unauthorized
            ? ApiProblems.WriteAsync(context, apiStatus, "Unauthorized", "Sign in, or send an API token as 'Authorization: Bearer <token>'.")
            : ApiProblems.WriteAsync(context, apiStatus, "Forbidden", "You may not do this.");
    }
}
