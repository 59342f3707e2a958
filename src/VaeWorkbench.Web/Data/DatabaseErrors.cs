using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace VaeWorkbench.Web.Data;

/// <summary>
/// Recognises database failures that callers answer in their own way: a lost insert race (read what the other writer
/// committed) and a lost database (try again later).
/// </summary>
public static class DatabaseErrors
{
    private const int SqlitePrimaryKeyViolation = 1555; // SQLITE_CONSTRAINT_PRIMARYKEY
    private const int SqliteUniqueViolation = 2067; // SQLITE_CONSTRAINT_UNIQUE
    private const int SqliteBusy = 5; // SQLITE_BUSY
    private const int SqliteLocked = 6; // SQLITE_LOCKED

    /// <summary>The insert lost a race: a row with the same primary key or unique index value was committed first.</summary>
    public static bool IsDuplicateKey(DbUpdateException e) => e.InnerException switch
    {
        SqliteException { SqliteExtendedErrorCode: SqlitePrimaryKeyViolation or SqliteUniqueViolation } => true,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        _ => false,
    };

    /// <summary>
    /// A database failure that may pass by itself: the database was unreachable, restarting or busy, not a bad statement.
    /// </summary>
    public static bool IsTransient(Exception e)
    {
        if (IsConnectionLost(e)) return true;
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                // Another connection held the lock past the busy timeout: it passes when that writer commits.
                case SqliteException sqlite when sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked:
                    return true;
                case DbException db:
                    return db.IsTransient;
            }
        }
        return false;
    }

    /// <summary>
    /// The PostgreSQL connection is gone: Npgsql lost the socket, or the server ended the session (57P01
    /// <c>admin_shutdown</c>, 57P02, as a restart does to every session), or it is still starting (57P03), or any
    /// connection exception (class 08).
    /// </summary>
    public static bool IsConnectionLost(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case PostgresException postgres:
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                        || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow;
                case NpgsqlException npgsql:
                    return npgsql.InnerException is IOException or System.Net.Sockets.SocketException or EndOfStreamException;
            }
        }
        return false;
    }
}
