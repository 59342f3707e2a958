using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using VaeWorkbench.Web.Data.Entities;

namespace VaeWorkbench.Web.Data;

/// <summary>
/// The workbench's database: Identity's tables (users, roles, claims, logins, tokens; through IdentityDbContext) and the
/// workbench's own, one configuration class per entity under Configurations/. Team roles are per team (TeamMember.Role),
/// so they are not Identity roles. The model is the same on every database; each provider has its own subclass
/// (<see cref="SqliteAppDbContext"/>, <see cref="PostgresAppDbContext"/>) only so that each has its own migrations.
/// </summary>
public abstract class AppDbContext(DbContextOptions options) : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    /// <summary>ASP.NET Core's Data Protection keys: every server that shares the database reads the cookies and
    /// antiforgery tokens the others issue.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Team> Teams => Set<Team>();

    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();

    public DbSet<TeamInvite> TeamInvites => Set<TeamInvite>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<UserSession> UserSessions => Set<UserSession>();

    public DbSet<Dataset> Datasets => Set<Dataset>();

    public DbSet<DatasetImage> DatasetImages => Set<DatasetImage>();

    public DbSet<TrainingRun> TrainingRuns => Set<TrainingRun>();

    public DbSet<RunEpoch> RunEpochs => Set<RunEpoch>();

    public DbSet<RunSubmission> RunSubmissions => Set<RunSubmission>();

    public DbSet<TrainedModel> TrainedModels => Set<TrainedModel>();

    public DbSet<ScoreJob> ScoreJobs => Set<ScoreJob>();

    public DbSet<ImageScore> ImageScores => Set<ImageScore>();

    public DbSet<ReviewDecision> ReviewDecisions => Set<ReviewDecision>();

    public DbSet<ReviewDecisionEvent> ReviewDecisionEvents => Set<ReviewDecisionEvent>();

    public DbSet<ReviewQueueItem> ReviewQueueItems => Set<ReviewQueueItem>();

    public DbSet<ImageTag> ImageTags => Set<ImageTag>();

    public DbSet<AugmentedSet> AugmentedSets => Set<AugmentedSet>();

    public DbSet<AugmentedImage> AugmentedImages => Set<AugmentedImage>();

    public DbSet<RegisteredModel> RegisteredModels => Set<RegisteredModel>();

    public DbSet<ModelVersion> ModelVersions => Set<ModelVersion>();

    public DbSet<ModelAlias> ModelAliases => Set<ModelAlias>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date type and EF cannot compare or sort DateTimeOffset text there; a binary long sorts correctly.
        // PostgreSQL keeps the same bigint, so both databases hold the same values (`vae db copy` copies them as they are)
        // and every query sorts and compares times the same way on both.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}
