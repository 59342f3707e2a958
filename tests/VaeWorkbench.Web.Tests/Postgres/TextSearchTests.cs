using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using VaeWorkbench.Web.Data;
using VaeWorkbench.Web.Data.Entities;
using VaeWorkbench.Web.Options;

namespace VaeWorkbench.Web.Tests.Postgres;

/// <summary>Search boxes find the same rows on both databases: case ignored, the user's text matched literally.</summary>
[Trait("Category", PostgresDatabase.Category)]
public sealed class TextSearchTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Contains_ignores_case_and_takes_wildcards_literally_on_sqlite_and_on_postgres()
    {
        var file = Path.Combine(Path.GetTempPath(), $"vwb-search-{Guid.NewGuid():N}.db");
        try
        {
            foreach (var db in new[] { WorkbenchDatabase.Open(DatabaseProvider.Sqlite, $"Data Source={file};Pooling=False"), database.Open() })
            {
                await using var _ = db;
                await db.Database.MigrateAsync();
                foreach (var name in new[] { "Vision Lab", "vision lab 2", "50%_off", "500 off", @"back\slash" })
                    db.Teams.Add(new Team { Id = Guid.NewGuid(), Name = name, CreatedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync();

                // The names found, in ordinal order, joined with " / ".
                async Task<string> Find(string text) => string.Join(" / ", (await db.Teams.Where(TextSearch.AnyContains(db.Teams, db, text, t => t.Name))
                    .Select(t => t.Name).ToListAsync()).Order(StringComparer.Ordinal));
                var provider = db.Database.ProviderName;
                Assert.True(await Find("LAB") == "Vision Lab / vision lab 2", provider);
                Assert.True(await Find("%_") == "50%_off", provider);
                Assert.True(await Find(@"K\S") == @"back\slash", provider);
                Assert.True(await Find("nothing like it") == "", provider);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }
}
