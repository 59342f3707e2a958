using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VaeWorkbench.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ImportJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "ImportLeaseExpiresAt",
                table: "Datasets",
                newName: "LeaseExpiresAt");

            migrationBuilder.AddColumn<long>(
                name: "FinishedAt",
                table: "Datasets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ImportAttempts",
                table: "Datasets",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "ImportFailure",
                table: "Datasets",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ImportSourceJson",
                table: "Datasets",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "StartedAt",
                table: "Datasets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LeaseOwner",
                table: "Datasets",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Datasets_Status_CreatedAt",
                table: "Datasets",
                columns: new[] { "Status", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Datasets_Status_CreatedAt",
                table: "Datasets");

            migrationBuilder.DropColumn(
                name: "FinishedAt",
                table: "Datasets");

            migrationBuilder.DropColumn(
                name: "ImportAttempts",
                table: "Datasets");

            migrationBuilder.DropColumn(
                name: "ImportFailure",
                table: "Datasets");

            migrationBuilder.DropColumn(
                name: "ImportSourceJson",
                table: "Datasets");

            migrationBuilder.DropColumn(
                name: "StartedAt",
                table: "Datasets");

            migrationBuilder.DropColumn(
                name: "LeaseOwner",
                table: "Datasets");

            migrationBuilder.RenameColumn(
                name: "LeaseExpiresAt",
                table: "Datasets",
                newName: "ImportLeaseExpiresAt");
        }
    }
}
