using Microsoft.EntityFrameworkCore;

namespace VaeWorkbench.Web.Data;

/// <summary>The model on PostgreSQL (a database several servers share); its migrations are in Data/Migrations/Postgres.</summary>
public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options);
