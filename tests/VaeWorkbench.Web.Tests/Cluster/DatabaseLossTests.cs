using Microsoft.Data.Sqlite;
using Npgsql;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Jobs;

namespace VaeWorkbench.Web.Tests.Cluster;

/// <summary>
/// How the job queues tell a lost database (wait and try again; the job is not at fault) from a bad statement (the job
/// fails), and how long an idle queue waits between claims while the database stays away.
/// </summary>
public sealed class DatabaseLossTests
{
    private static readonly (string What, Exception Failure, bool Transient)[] Failures =
    [
        ("a PostgreSQL restart ends the session", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown), true),
        ("the server is still starting", new PostgresException("the database system is starting up", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow), true),
        ("a connection exception", new PostgresException("connection failure", "FATAL", "FATAL", PostgresErrorCodes.ConnectionFailure), true),
        ("the socket closed", new NpgsqlException("Exception while reading from stream", new EndOfStreamException()), true),
        ("connection refused", new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException(111)), true),
        ("wrapped by EF", new Microsoft.EntityFrameworkCore.DbUpdateException("save failed", new NpgsqlException("Exception while writing to stream", new IOException())), true),
        ("a unique violation", new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation), false),
        ("a syntax error", new PostgresException("syntax error", "ERROR", "ERROR", PostgresErrorCodes.SyntaxError), false),
        ("a bug in the job", new InvalidOperationException("the model produced NaN"), false),
        ("a timeout outside the database", new TimeoutException(), false),
    ];

    [Fact]
    public void A_lost_or_restarting_database_is_transient_and_a_bad_statement_is_not()
    {
        foreach (var (what, failure, transient) in Failures)
        {
            Assert.True(DatabaseErrors.IsTransient(failure) == transient, what);
            Assert.True(DatabaseErrors.IsConnectionLost(failure) == transient, what);
        }
    }

    [Fact]
    public void A_busy_sqlite_database_is_transient_but_no_lost_connection()
    {
        var busy = new SqliteException("database is locked", 5);
        Assert.True(DatabaseErrors.IsTransient(busy));
        Assert.False(DatabaseErrors.IsConnectionLost(busy));
    }

    [Theory]
    [InlineData(1, new[] { 1, 2, 4, 8, 16, 30, 30, 30 })]
    [InlineData(5, new[] { 5, 10, 20, 30, 30 })]
    [InlineData(60, new[] { 60, 60, 60 })]
    public void Failed_claims_in_a_row_wait_from_the_poll_interval_doubling_up_to_30_seconds_or_the_poll(int pollSeconds, int[] waits)
    {
        var actual = Enumerable.Range(1, waits.Length).Select(failures => ClaimRetry.Delay(failures, pollSeconds).TotalSeconds);
        Assert.Equal(waits.Select(w => (double)w), actual);
        Assert.Equal(TimeSpan.FromSeconds(30), ClaimRetry.Delay(int.MaxValue, 1));
    }
}
