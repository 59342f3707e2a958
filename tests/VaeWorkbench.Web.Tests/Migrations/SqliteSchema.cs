using Microsoft.Data.Sqlite;

namespace VaeWorkbench.Web.Tests.Migrations;

/// <summary>
/// A SQLite database's schema as sorted facts (columns with type, nullability and key position; foreign keys; indexes
/// with uniqueness and columns), so two schemas compare equal whatever order a table rebuild left the columns in.
/// </summary>
public static class SqliteSchema
{
    public static async Task<List<string>> ReadAsync(string file)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var facts = new List<string>();
        foreach (var table in await ColumnAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND substr(name, 1, 4) <> '__EF'"))
        {
            facts.AddRange(await RowsAsync(connection, $"SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}')", r => $"{table} column {r}"));
            facts.AddRange(await RowsAsync(connection, $"SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('{table}')", r => $"{table} fk {r}"));
            foreach (var index in await ColumnAsync(connection, $"SELECT name FROM pragma_index_list('{table}') WHERE origin = 'c'"))
            {
                var unique = (await ColumnAsync(connection, $"SELECT \"unique\" FROM pragma_index_list('{table}') WHERE name = '{index}'"))[0];
                var columns = string.Join(",", await ColumnAsync(connection, $"SELECT name FROM pragma_index_info('{index}') ORDER BY seqno"));
                facts.Add($"{table} index {index} unique={unique} ({columns})");
            }
        }
        facts.Sort(StringComparer.Ordinal);
        return facts;
    }

    public static async Task<Dictionary<string, long>> RowCountsAsync(string file)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var counts = new Dictionary<string, long>();
        foreach (var table in await ColumnAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND substr(name, 1, 4) <> '__EF'"))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT count(*) FROM \"{table}\"";
            counts[table] = (long)(await command.ExecuteScalarAsync())!;
        }
        return counts;
    }

    public static async Task<List<string>> ColumnAsync(SqliteConnection connection, string sql) =>
        await RowsAsync(connection, sql, row => row);

    private static async Task<List<string>> RowsAsync(SqliteConnection connection, string sql, Func<string, string> format)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
            rows.Add(format(string.Join(" ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : reader.GetValue(i).ToString()))));
        return rows;
    }
}
