using Microsoft.EntityFrameworkCore;

namespace VaeWorkbench.Web.Data;

/// <summary>The model on SQLite (the embedded default); its migrations are in Data/Migrations/Sqlite.</summary>
public sealed class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> options) : AppDbContext(options);
