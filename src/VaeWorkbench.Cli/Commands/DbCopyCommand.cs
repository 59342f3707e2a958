using System.Data.Common;
using Microsoft.Data.Sqlite;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Cli.Commands;

/// <summary>
/// <c>vae db copy --from &lt;sqlite file&gt; --to &lt;postgres connection string&gt;</c>: moves a team's database from SQLite to
/// PostgreSQL (see <see cref="DatabaseCopy"/>), refusing a target that already holds rows, and prints a per-table report.
/// </summary>
public sealed class DbCopyCommand : ICliCommand
{
    public string Name => "db copy";

    public string Summary => "copy every row of a SQLite database into an empty PostgreSQL database, checked per table";

    public string Usage => """
        usage: vae db copy --from <sqlite file> --to <postgres connection string>
          Migrates the target to this version's schema, copies every row of every table (users, keys and all), then
          compares each table's row count and SHA-256 checksum. Refuses a target that has rows in any table.
          The SQLite file must be at this version's schema: start this version of the server on it once first.
          Stop the servers that write to the SQLite file while it copies. Exit code 0 only when every table matches.
          Example: vae db copy --from data/vaeworkbench.db --to "Host=db;Database=vaeworkbench;Username=vae;Password=..."
        """;

    public int Run(CliArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var from = args.Required("from");
        var to = args.Required("to");
        args.EnsureAllConsumed();
        if (!File.Exists(from)) throw new UsageException($"--from: no SQLite file at {from}");
        var source = new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(from), Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();

        AppDbContext OpenSource() => WorkbenchDatabase.Open(DatabaseProvider.Sqlite, source);
        AppDbContext OpenTarget() => WorkbenchDatabase.Open(DatabaseProvider.Postgres, to);
        using var sourceDb = OpenSource();
        using var targetDb = OpenTarget();
        IReadOnlyList<TableCopyReport> report;
        try
        {
            report = DatabaseCopy.CopyAsync(sourceDb, OpenSource, targetDb, OpenTarget, line => stderr.WriteLine(line), cancellationToken)
                .GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is DbException or Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            // A database's own refusal (cannot connect, no permission, a value the target rejects): its message, not a trace.
            stderr.WriteLine($"vae db copy: {e.GetBaseException().Message}");
            return 1;
        }

        stdout.WriteLine($"{"table",-28} {"source rows",12} {"target rows",12}  checksum (SHA-256, first 16)  result");
        foreach (var table in report)
            stdout.WriteLine($"{table.Table,-28} {table.SourceRows,12} {table.TargetRows,12}  {table.SourceChecksum[..16]}              {(table.Matches ? "ok" : $"DIFFERS (target {table.TargetChecksum[..16]})")}");
        var bad = report.Count(t => !t.Matches);
        stdout.WriteLine(bad == 0
            ? $"copied {report.Sum(t => t.SourceRows)} rows in {report.Count} tables; every table matches"
            : $"{bad} table(s) differ: the copy is not complete");
        return bad == 0 ? 0 : 1;
    }
}
