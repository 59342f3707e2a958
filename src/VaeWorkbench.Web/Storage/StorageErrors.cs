using Microsoft.Data.Sqlite;
using Npgsql;

namespace VaeWorkbench.Web.Storage;

/// <summary>Recognises a full disk in the exceptions .NET, SQLite and PostgreSQL raise for it, so users get that reason and not a stack trace.</summary>
public static class StorageErrors
{
    /// <summary>errno ENOSPC on Linux; .NET puts the raw errno in <see cref="Exception.HResult"/> of the IOException.</summary>
    public const int Enospc = 28;

    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);
    private const int SqliteFull = 13;

    public static bool IsDiskFull(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is IOException && e.HResult is Enospc or WindowsDiskFull or WindowsHandleDiskFull) return true;
            if (e is SqliteException { SqliteErrorCode: SqliteFull }) return true;
            if (e is PostgresException { SqlState: PostgresErrorCodes.DiskFull }) return true;
        }
        return false;
    }
}
