using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Hosting;

namespace VaeWorkbench.Web.Backups;

/// <summary>The SQLite side of backups: an online copy of the live database, and the checks both backup and restore make on a copy.</summary>
internal static class BackupDatabase
{
    /// <summary>
    /// Copies the live database with <c>VACUUM INTO</c>: one read transaction, so the copy is a consistent snapshot, and in
    /// WAL mode a reader never blocks writers, so the server keeps writing throughout. The copy is set to rollback-journal
    /// mode, so it is one self-contained file.
    /// </summary>
    public static async Task CopyLiveAsync(string liveDatabase, string copy, int busyTimeoutMs, CancellationToken ct)
    {
        await using (var live = new SqliteConnection($"Data Source={liveDatabase};Mode=ReadWrite;Pooling=False"))
        {
            await live.OpenAsync(ct);
            await ExecuteAsync(live, $"PRAGMA busy_timeout={busyTimeoutMs};", ct);
            await using var vacuum = live.CreateCommand();
            vacuum.CommandText = "VACUUM INTO $path;";
            vacuum.Parameters.AddWithValue("$path", copy);
            await vacuum.ExecuteNonQueryAsync(ct);
        }
        await using var copied = await OpenAsync(copy, ct);
        await ExecuteAsync(copied, "PRAGMA journal_mode=DELETE;", ct);
    }

    /// <summary>Rows per table (every table, EF's migration history and Identity's included), by table name.</summary>
    public static async Task<SortedDictionary<string, long>> CountRowsAsync(string database, CancellationToken ct)
    {
        await using var connection = await OpenAsync(database, ct);
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;";
            await using var reader = await list.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) tables.Add(reader.GetString(0));
        }
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\";";
            counts[table] = (long)(await count.ExecuteScalarAsync(ct))!;
        }
        return counts;
    }

    /// <summary>SQLite's own verdict on the file: null when <c>PRAGMA integrity_check</c> says ok, else what it found.</summary>
    public static async Task<string?> IntegrityProblemAsync(string database, CancellationToken ct)
    {
        try
        {
            await using var connection = await OpenAsync(database, ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA integrity_check;";
            var lines = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) lines.Add(reader.GetString(0));
            return lines is ["ok"] ? null : string.Join("; ", lines.Take(5));
        }
        catch (SqliteException e)
        {
            return e.Message;
        }
    }

    /// <summary>An EF context on a copy, outside the app's DI (which serves the live database); not pooled, so the file is free once disposed.</summary>
    public static AppDbContext OpenContext(string database)
    {
        var options = new DbContextOptionsBuilder<SqliteAppDbContext>();
        options.UseWorkbenchSqlite(database, pooling: false);
        return new SqliteAppDbContext(options.Options);
    }

    private static async Task<SqliteConnection> OpenAsync(string database, CancellationToken ct)
    {
        var connection = new SqliteConnection($"Data Source={database};Mode=ReadWrite;Pooling=False");
        await connection.OpenAsync(ct);
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }
}
