using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace VaeWorkbench.Web.Data;

/// <summary>Recognises database failures that callers answer by reading what a concurrent writer committed first.</summary>
public static class DatabaseErrors
{
    private const int SqlitePrimaryKeyViolation = 1555; // SQLITE_CONSTRAINT_PRIMARYKEY
    private const int SqliteUniqueViolation = 2067; // SQLITE_CONSTRAINT_UNIQUE

    /// <summary>The insert lost a race: a row with the same primary key or unique index value was committed first.</summary>
    public static bool IsDuplicateKey(DbUpdateException e) => e.InnerException switch
    {
        SqliteException { SqliteExtendedErrorCode: SqlitePrimaryKeyViolation or SqliteUniqueViolation } => true,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        _ => false,
    };
}
