using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace VaeWorkbench.Web.Data;

/// <summary>One table's line in the copy's report: rows and checksum on each side.</summary>
public sealed record TableCopyReport(string Table, long SourceRows, long TargetRows, string SourceChecksum, string TargetChecksum)
{
    public bool Matches => SourceRows == TargetRows && SourceChecksum == TargetChecksum;
}

/// <summary>
/// Copies every row of every table of the model (Identity's and Data Protection's included) from one database to another
/// that is at the same schema and empty, table by table in foreign-key order, through the model (so each provider
/// stores each value its own way). Then checks each table: row count, and a SHA-256 over every row's values in key order,
/// computed the same way on both sides.
/// </summary>
public static class DatabaseCopy
{
    public static async Task<IReadOnlyList<TableCopyReport>> CopyAsync(AppDbContext source, Func<AppDbContext> openSource, AppDbContext target,
        Func<AppDbContext> openTarget, Action<string>? progress = null, CancellationToken ct = default)
    {
        if ((await source.Database.GetPendingMigrationsAsync(ct)).ToList() is { Count: > 0 } pending)
            throw new InvalidOperationException(
                $"The source database is not at this version's schema ({pending.Count} migration(s) pending, the last {pending[^1]}). " +
                "Start this version of the server on it once (it upgrades the database), then copy.");
        await target.Database.MigrateAsync(ct);
        var tables = InForeignKeyOrder(target.Model);
        foreach (var table in tables)
        {
            if (await CountAsync(target, table, ct) is > 0 and var rows)
                throw new InvalidOperationException(
                    $"The target database is not empty: {table.GetTableName()} has {rows} row(s). Copy into a new, empty database.");
        }

        foreach (var table in tables)
        {
            progress?.Invoke($"copying {table.GetTableName()}");
            await CopyTableAsync(openSource, openTarget, table, ct);
        }
        await ResetIdentitySequencesAsync(target, tables, ct);

        var report = new List<TableCopyReport>();
        foreach (var table in tables)
        {
            var (sourceRows, sourceSum) = await ChecksumAsync(openSource, table, ct);
            var (targetRows, targetSum) = await ChecksumAsync(openTarget, table, ct);
            report.Add(new TableCopyReport(table.GetTableName()!, sourceRows, targetRows, sourceSum, targetSum));
        }
        return report;
    }

    /// <summary>Tables with their own rows (not owned types), parents before the tables whose foreign keys name them.</summary>
    internal static List<IEntityType> InForeignKeyOrder(IModel model)
    {
        var tables = model.GetEntityTypes().Where(e => !e.IsOwned() && e.BaseType is null && e.GetTableName() is not null)
            .OrderBy(e => e.GetTableName(), StringComparer.Ordinal).ToList();
        var ordered = new List<IEntityType>();
        var visiting = new HashSet<IEntityType>();
        void Visit(IEntityType table)
        {
            if (ordered.Contains(table) || !visiting.Add(table)) return;
            foreach (var parent in table.GetForeignKeys().Select(f => f.PrincipalEntityType.GetRootType()).Where(p => p != table)) Visit(parent);
            ordered.Add(table);
        }
        foreach (var table in tables) Visit(table);
        return ordered;
    }

    private static Task<int> CountAsync(AppDbContext db, IEntityType table, CancellationToken ct) =>
        Rows(db, table).CountAsync(ct);

    private static IQueryable<object> Rows(AppDbContext db, IEntityType table) =>
        (IQueryable<object>)typeof(DatabaseCopy).GetMethod(nameof(SetOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(table.ClrType).Invoke(null, [db])!;

    private static IQueryable<object> SetOf<T>(AppDbContext db) where T : class => db.Set<T>();

    /// <summary>
    /// Reads the table with tracking in a fresh context (so shadow properties are read too, and no other table's rows
    /// are there to fix up), and inserts each row as it is: keys included, one SaveChanges so EF orders rows that refer
    /// to rows of the same table.
    /// </summary>
    private static async Task CopyTableAsync(Func<AppDbContext> openSource, Func<AppDbContext> openTarget, IEntityType table, CancellationToken ct)
    {
        await using var from = openSource();
        await using var to = openTarget();
        var rows = await Rows(from, table).ToListAsync(ct);
        foreach (var row in rows)
        {
            var read = from.Entry(row);
            var written = to.Entry(row);
            written.State = EntityState.Added;
            foreach (var property in table.GetProperties().Where(p => p.IsShadowProperty()))
                written.Property(property.Name).CurrentValue = read.Property(property.Name).CurrentValue;
        }
        await to.SaveChangesAsync(ct);
    }

    /// <summary>Explicit keys leave PostgreSQL's identity sequences behind; the next insert must not reuse a copied key.</summary>
    private static async Task ResetIdentitySequencesAsync(AppDbContext target, List<IEntityType> tables, CancellationToken ct)
    {
        if (!target.Database.IsNpgsql()) return;
        foreach (var table in tables)
        {
            var key = table.FindPrimaryKey();
            if (key is not { Properties: [var id] } || id.ClrType != typeof(int) && id.ClrType != typeof(long) || id.ValueGenerated != ValueGenerated.OnAdd)
                continue;
            var name = table.GetTableName()!;
            var column = id.GetColumnName();
#pragma warning disable EF1002 // names come from the model, not from input
            await target.Database.ExecuteSqlRawAsync(
                $"SELECT setval(pg_get_serial_sequence('\"{name}\"', '{column}'), COALESCE((SELECT MAX(\"{column}\") FROM \"{name}\"), 0) + 1, false)", ct);
#pragma warning restore EF1002
        }
    }

    /// <summary>Rows and a SHA-256 over every row's values (shadow properties included), rows in primary-key order.</summary>
    private static async Task<(long Rows, string Sum)> ChecksumAsync(Func<AppDbContext> open, IEntityType table, CancellationToken ct)
    {
        await using var db = open();
        var rows = await Rows(db, table).ToListAsync(ct);
        var properties = table.GetProperties().OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var key = table.FindPrimaryKey()!.Properties;
        var lines = rows.Select(row =>
        {
            var entry = db.Entry(row);
            return (Key: string.Join("|", key.Select(p => Canonical(entry.Property(p.Name).CurrentValue))),
                Line: string.Join("|", properties.Select(p => Canonical(entry.Property(p.Name).CurrentValue))));
        }).OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Line);
        using var sha = SHA256.Create();
        foreach (var line in lines)
        {
            var bytes = Encoding.UTF8.GetBytes(line + "\n");
            sha.TransformBlock(bytes, 0, bytes.Length, null, 0);
        }
        sha.TransformFinalBlock([], 0, 0);
        return (rows.Count, Convert.ToHexStringLower(sha.Hash!));
    }

    /// <summary>One value as text that does not depend on the provider that read it.</summary>
    private static string Canonical(object? value) => value switch
    {
        null => "\u2400",
        byte[] bytes => Convert.ToBase64String(bytes),
        DateTimeOffset t => t.UtcTicks.ToString(CultureInfo.InvariantCulture) + "@" + t.Offset.Ticks.ToString(CultureInfo.InvariantCulture),
        DateTime t => t.Ticks.ToString(CultureInfo.InvariantCulture) + t.Kind,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        Guid g => g.ToString("D"),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    } is var text ? text.Replace("\\", "\\\\").Replace("|", "\\|").Replace("\n", "\\n") : "";
}
