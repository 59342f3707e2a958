using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VaeWorkbench.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AugmentedClassFidelity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ClassFidelityJson",
                table: "AugmentedSets",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ClassFidelityJson",
                table: "AugmentedSets");
        }
    }
}
