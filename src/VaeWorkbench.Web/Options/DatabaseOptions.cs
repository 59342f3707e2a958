namespace VaeWorkbench.Web.Options;

/// <summary>The database engines the workbench runs on.</summary>
public enum DatabaseProvider
{
    /// <summary>One file in the data folder: the embedded default, for one server.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database that several servers (web and workers) share.</summary>
    Postgres,
}

/// <summary>
/// Which database the workbench uses. Bound from the <c>Database</c> section, with the PostgreSQL connection in
/// <c>ConnectionStrings:Postgres</c> (where .NET configuration keeps connection strings, so environment variables such
/// as <c>ConnectionStrings__Postgres</c> set it too). The SQLite file is <see cref="StorageOptions.DatabaseFile"/>.
/// </summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public const string PostgresConnectionName = "Postgres";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary><c>ConnectionStrings:Postgres</c>; required when <see cref="Provider"/> is Postgres.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>Reads and checks the settings; throws with the setting's name when they cannot work.</summary>
    public static DatabaseOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var options = new DatabaseOptions();
        if (section["Provider"] is { Length: > 0 } provider)
        {
            options.Provider = Enum.TryParse<DatabaseProvider>(provider, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new InvalidOperationException($"Database:Provider is '{provider}'; it must be Sqlite or Postgres.");
        }
        options.PostgresConnectionString = configuration.GetConnectionString(PostgresConnectionName);
        if (options.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(options.PostgresConnectionString))
            throw new InvalidOperationException(
                "Database:Provider is Postgres, but ConnectionStrings:Postgres is not set. Set it to a connection string such as " +
                "Host=db.example;Database=vaeworkbench;Username=vae;Password=... (or the environment variable ConnectionStrings__Postgres).");
        return options;
    }
}
