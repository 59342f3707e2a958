using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using VaeWorkbench.Web.Data;

namespace VaeWorkbench.Web.Jobs;

/// <summary>
/// The claim on PostgreSQL, as one statement:
/// <c>UPDATE jobs SET status, lease ... WHERE id = (SELECT id ... ORDER BY ... LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id</c>.
/// Of claimers running at once each locks a different row (a locked row is skipped, not waited for), so no two win the
/// same job and none waits behind another. The candidate query is EF's own translation of the queue's claim order and
/// condition, so the SQLite path and this one choose by the same rule; the SET values pass through the model's
/// converters, so they are stored exactly as EF would store them.
/// </summary>
internal static class SkipLockedClaim
{
    /// <summary>A column the claim sets: to <see cref="Value"/>, or, with <see cref="KeepIfSet"/>, only when it is null.</summary>
    public readonly record struct Assignment(string Property, object? Value, bool KeepIfSet = false);

    public static async Task<Guid?> ClaimAsync<TJob, TStatus>(AppDbContext db, IQueryable<Guid> firstCandidate, IReadOnlyList<Assignment> sets,
        CancellationToken ct) where TJob : class, ILeasedJob<TStatus> where TStatus : struct, Enum
    {
        var entity = db.Model.FindEntityType(typeof(TJob)) ?? throw new InvalidOperationException($"{typeof(TJob).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        string ColumnOf(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);

        await using var command = firstCandidate.CreateDbCommand();
        var assignments = new List<string>();
        for (var i = 0; i < sets.Count; i++)
        {
            var property = entity.FindProperty(sets[i].Property)!;
            var name = $"vae_claim_{i}";
            // CreateParameter applies the property's value converter (enum to int, DateTimeOffset to its binary long).
            command.Parameters.Add(property.GetRelationalTypeMapping().CreateParameter(command, name, sets[i].Value, property.IsNullable));
            var column = ColumnOf(sets[i].Property);
            assignments.Add(sets[i].KeepIfSet ? $"{column} = COALESCE({column}, @{name})" : $"{column} = @{name}");
        }
        var id = ColumnOf(nameof(ILeasedJob<TStatus>.Id));
        command.CommandText =
            $"UPDATE {sql.DelimitIdentifier(table.Name, table.Schema)} SET {string.Join(", ", assignments)} " +
            $"WHERE {id} = ({command.CommandText.TrimEnd().TrimEnd(';')} FOR UPDATE SKIP LOCKED) RETURNING {id}";
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await command.ExecuteScalarAsync(ct) is Guid claimed ? claimed : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
