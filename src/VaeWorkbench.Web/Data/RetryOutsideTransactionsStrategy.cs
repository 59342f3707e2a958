using Microsoft.EntityFrameworkCore.Storage;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace VaeWorkbench.Web.Data;

/// <summary>
/// Retries a PostgreSQL command that failed transiently (the server restarted, a pooled connection was cut) with
/// back-off, unless it ran inside one of the app's own transactions. After a restart every idle pooled connection is
/// dead and fails once on its next use; without retries each of those uses is a failed request. Inside a transaction
/// a retry of one command cannot be right (the transaction is gone), so the failure goes to the code that opened it,
/// as before: a job queue retries its claim or lets the lease lapse, a request answers 500.
/// EF's stock retrying strategy refuses user-initiated transactions outright; this one lets them through unretried.
/// </summary>
internal sealed class RetryOutsideTransactionsStrategy(ExecutionStrategyDependencies dependencies)
    : NpgsqlRetryingExecutionStrategy(dependencies, MaxRetries, MaxDelay, errorCodesToAdd: null)
{
    public const int MaxRetries = 6;
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    private bool InTransaction => Dependencies.CurrentContext.Context.Database.CurrentTransaction is not null;

    protected override void OnFirstExecution()
    {
        if (InTransaction) ExceptionsEncountered.Clear(); // the base refuses a user transaction here
        else base.OnFirstExecution();
    }

    protected override bool ShouldRetryOn(Exception? exception) => !InTransaction && base.ShouldRetryOn(exception);
}
