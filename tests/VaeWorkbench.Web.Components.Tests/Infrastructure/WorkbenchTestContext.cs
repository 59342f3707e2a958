using MudBlazor.Services;
using System.Security.Claims;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Radzen;
using VaeWorkbench.Web.Components.Layout;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Hosting;
using VaeWorkbench.Web.Identity;
using VaeWorkbench.Web.Options;
using VaeWorkbench.Web.Teams;

namespace VaeWorkbench.Web.Components.Tests.Infrastructure;

/// <summary>
/// Someone signed in to the test's app, working in the shared team <see cref="TeamId"/> with <see cref="Role"/>, which
/// <see cref="OwnerId"/> owns (the user themself when signed in as Owner). Everyone also has a personal team.
/// </summary>
public sealed record SignedInUser(string UserId, string Email, TeamRole Role, Guid TeamId, string OwnerId, Workspace Workspace);

/// <summary>
/// Base of every component test: the app's real services on a fresh SQLite file (migrated as at start-up), bUnit's
/// doubles for the browser side (JS interop in Loose mode, navigation, authentication state), and helpers to sign in
/// with a team role. Each test class instance is one context, so every test gets its own database.
/// </summary>
/// <remarks>
/// xUnit 2 disposes a test class through <see cref="IAsyncLifetime.DisposeAsync"/> before <see cref="IDisposable.Dispose"/>,
/// so services that only implement <see cref="IAsyncDisposable"/> (as MudBlazor's do) are disposed asynchronously and
/// the later synchronous Dispose finds nothing left to do.
/// </remarks>
public partial class WorkbenchTestContext : BunitContext, IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly BunitAuthorizationContext authorization;
    private int accounts;

    public WorkbenchTestContext()
    {
        DataDirectory = NewDataDirectory();
        // Component libraries call JS on first render and on disposal; Loose answers every call with a default result.
        JSInterop.Mode = JSRuntimeMode.Loose;

        // The app's registrations go first so that bUnit's doubles, registered by BunitContext's constructor and by
        // AddAuthorization below, are the ones resolved for services both provide.
        var app = AppServices.For(DataDirectory);
        for (var i = 0; i < app.Count; i++) Services.Insert(i, app[i]);
        // How pages call app services; the app registers it with the UI (UiExtensions.AddVaeUi), left out above.
        Services.AddScoped<ScopedRunner>();
        Services.AddSingleton<AntiforgeryStateProvider, FixedAntiforgeryStateProvider>();
        AddComponentLibraryServices();
        authorization = AddAuthorization();
    }

    /// <summary>This test's folder for the SQLite file, keys and blobs; deleted when the test ends.</summary>
    public string DataDirectory { get; }

    public NotificationService Notifications => Services.GetRequiredService<NotificationService>();

    public BunitNavigationManager Navigation => Services.GetRequiredService<BunitNavigationManager>();

    /// <summary>
    /// The component library's services, registered as <see cref="UiExtensions.AddVaeUi"/> registers them in the app:
    /// the one place to change when the pages move to another library.
    /// </summary>
    private void AddComponentLibraryServices()
    {
        Services.AddRadzenComponents();
        Services.AddMudServices();
    }

    /// <summary>
    /// Builds the service provider, so a derived test class registers its own services in its constructor, which runs
    /// before this.
    /// </summary>
    public async Task InitializeAsync()
    {
        // The app renders every page interactively on the server (MainLayout reads this to mark the live page).
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var databasePath = Services.GetRequiredService<IOptions<StorageOptions>>().Value.ResolveDatabasePath();
        await File.WriteAllBytesAsync(databasePath, await MigratedDatabase.Value);
    }

    /// <summary>
    /// A new database file with the app's migrations applied, made once per test run and copied for every test: applying
    /// them takes longer than copying the result. Start-up's entry point around the migrations also upgrades databases
    /// written by older releases, which a new file never is.
    /// </summary>
    private static readonly Lazy<Task<byte[]>> MigratedDatabase = new(async () =>
    {
        var directory = NewDataDirectory();
        try
        {
            string databasePath;
            await using (var services = AppServices.For(directory).BuildServiceProvider())
            await using (var scope = services.CreateAsyncScope())
            {
                databasePath = services.GetRequiredService<IOptions<StorageOptions>>().Value.ResolveDatabasePath();
                await scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.MigrateAsync();
            }
            SqliteConnection.ClearAllPools();
            return await File.ReadAllBytesAsync(databasePath);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    });

    private static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "vwb-components-" + Guid.NewGuid().ToString("N"));

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        // Pooled connections keep the SQLite file open.
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(DataDirectory)) Directory.Delete(DataDirectory, recursive: true);
    }

    /// <summary>Runs one unit of work against the app's database in a scope of its own, as the pages' actions do.</summary>
    public Task<T> QueryAsync<T>(Func<AppDbContext, Task<T>> query) => RunAsync(query);

    /// <summary>Calls an app service in a scope of its own, as <see cref="ScopedRunner"/> does for the pages.</summary>
    public Task<TResult> RunAsync<TService, TResult>(Func<TService, Task<TResult>> action) where TService : notnull =>
        Services.GetRequiredService<ScopedRunner>().RunAsync(action);

    /// <inheritdoc cref="RunAsync{TService, TResult}"/>
    public Task RunAsync<TService>(Func<TService, Task> action) where TService : notnull =>
        Services.GetRequiredService<ScopedRunner>().RunAsync(action);

    /// <summary>
    /// Registers an owner whose current team is a shared team, and signs in as that owner or as a new member with
    /// <paramref name="role"/> who joined through an invite code. Rendered components get the user's
    /// <see cref="Workspace"/> cascaded as MainLayout gives it to every page.
    /// </summary>
    public async Task<SignedInUser> SignInAsync(TeamRole role, string teamName = "Vision lab")
    {
        if (authorization.IsAuthenticated) throw new InvalidOperationException("A test signs in once; add other people with AddMemberAsync.");
        var owner = await RegisterAsync("owner");
        var team = await RunAsync<TeamService, Team>(s => s.CreateTeamAsync(owner.Id, teamName));
        await RunAsync<TeamService>(s => s.SwitchCurrentTeamAsync(owner.Id, team.Id));
        var user = role == TeamRole.Owner ? owner : await AddMemberAsync(owner.Id, team.Id, role);

        authorization.SetAuthorized(user.Email!);
        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, user.Id));
        var workspace = new Workspace(Services.GetRequiredService<ScopedRunner>(), user.Id, user.Email!);
        await workspace.ReloadAsync();
        RenderTree.Add<CascadingValue<Workspace>>(p => p.Add(c => c.Value, workspace));
        return new SignedInUser(user.Id, user.Email!, role, team.Id, owner.Id, workspace);
    }

    /// <summary>Signs the browser out, as for a visitor who follows a link before signing in.</summary>
    public void SignOut() => authorization.SetNotAuthorized();

    /// <summary>Registers someone new with a personal team and signs in as them, in place of whoever was signed in.</summary>
    public async Task<AppUser> SignInAsNewUserAsync()
    {
        var user = await RegisterAsync("visitor");
        authorization.SetAuthorized(user.Email!);
        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, user.Id));
        return user;
    }

    /// <summary>Registers someone new who joins the team through an invite code the owner creates, and switches to it.</summary>
    public async Task<AppUser> AddMemberAsync(string ownerId, Guid teamId, TeamRole role)
    {
        var code = (await RunAsync<InviteService, CreatedInvite>(s => s.CreateAsync(ownerId, teamId, role))).Code;
        var member = await RegisterAsync(role.ToString().ToLowerInvariant());
        await RunAsync<InviteService, TeamSummary>(s => s.JoinAsync(member.Id, code));
        await RunAsync<TeamService>(s => s.SwitchCurrentTeamAsync(member.Id, teamId));
        return member;
    }

    private Task<AppUser> RegisterAsync(string name) =>
        RunAsync<AccountService, AppUser>(s => s.RegisterAsync($"{name}{++accounts}@example.test", Password, inviteCode: null));

    /// <summary>Stands in for the token the server would render into forms that post to its account endpoints.</summary>
    private sealed class FixedAntiforgeryStateProvider : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new("test-antiforgery-token", "__RequestVerificationToken");
    }
}
