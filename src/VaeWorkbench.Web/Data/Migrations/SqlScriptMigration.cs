using System.Reflection;
using Microsoft.EntityFrameworkCore.Migrations;

namespace VaeWorkbench.Web.Data.Migrations;

/// <summary>
/// A migration whose Up is a SQL script embedded beside it, named after the migration id. The EF design-time package
/// (which writes C# migrations) cannot be installed here, so schema changes are reviewed as plain SQL instead;
/// MigrationSchemaTests proves the migrated schema equals the one EF derives from the model.
/// </summary>
public abstract class SqlScriptMigration : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var id = GetType().GetCustomAttribute<MigrationAttribute>()?.Id
            ?? throw new InvalidOperationException($"{GetType().Name} has no [Migration] attribute");
        var resource = $"VaeWorkbench.Web.Data.Migrations.{id}.sql";
        using var stream = typeof(SqlScriptMigration).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Migration script {resource} is not embedded");
        using var reader = new StreamReader(stream);
        migrationBuilder.Sql(reader.ReadToEnd());
    }

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations are forward-only; restore a backup of the data directory to go back.");
}
