using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace VaeWorkbench.Web.Data;

/// <summary>Recognises SQLite failures that callers answer by reading what a concurrent writer committed first.</summary>
public static class SqliteErrors
{
    private const int PrimaryKeyViolation = 1555; // SQLITE_CONSTRAINT_PRIMARYKEY
    private const int UniqueViolation = 2067; // SQLITE_CONSTRAINT_UNIQUE

    /// <summary>The insert lost a race: a row with the same primary key or unique index value was committed first.</summary>
    public static bool IsDuplicateKey(DbUpdateException e) =>
        e.InnerException is SqliteException { SqliteExtendedErrorCode: PrimaryKeyViolation or UniqueViolation };
}
