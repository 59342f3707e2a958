using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VaeWorkbench.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Labels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Name",
                table: "TrainingRuns",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Notes",
                table: "TrainingRuns",
                type: "TEXT",
                maxLength: 10000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "TagsJson",
                table: "TrainingRuns",
                type: "TEXT",
                maxLength: 4000,
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "Notes",
                table: "RegisteredModels",
                type: "TEXT",
                maxLength: 10000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "TagsJson",
                table: "RegisteredModels",
                type: "TEXT",
                maxLength: 4000,
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "Name",
                table: "AugmentedSets",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Notes",
                table: "AugmentedSets",
                type: "TEXT",
                maxLength: 10000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "TagsJson",
                table: "AugmentedSets",
                type: "TEXT",
                maxLength: 4000,
                nullable: false,
                defaultValue: "[]");

            NameExistingRows(migrationBuilder);
        }

        /// <summary>
        /// Existing runs and sets get a readable name from their position in their team ("run 3", "set 2"), so no list
        /// shows a blank or an ID after the upgrade.
        /// </summary>
        private static void NameExistingRows(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                UPDATE "TrainingRuns" SET "Name" = 'run ' || (
                    SELECT COUNT(*) FROM "TrainingRuns" AS earlier
                    WHERE earlier."TeamId" = "TrainingRuns"."TeamId" AND earlier."QueueOrder" <= "TrainingRuns"."QueueOrder")
                WHERE "Name" = '';
                """);
            migrationBuilder.Sql("""
                UPDATE "AugmentedSets" SET "Name" = 'set ' || (
                    SELECT COUNT(*) FROM "AugmentedSets" AS earlier
                    WHERE earlier."TeamId" = "AugmentedSets"."TeamId" AND earlier."CreatedAt" <= "AugmentedSets"."CreatedAt")
                WHERE "Name" = '';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Name",
                table: "TrainingRuns");

            migrationBuilder.DropColumn(
                name: "Notes",
                table: "TrainingRuns");

            migrationBuilder.DropColumn(
                name: "TagsJson",
                table: "TrainingRuns");

            migrationBuilder.DropColumn(
                name: "Notes",
                table: "RegisteredModels");

            migrationBuilder.DropColumn(
                name: "TagsJson",
                table: "RegisteredModels");

            migrationBuilder.DropColumn(
                name: "Name",
                table: "AugmentedSets");

            migrationBuilder.DropColumn(
                name: "Notes",
                table: "AugmentedSets");

            migrationBuilder.DropColumn(
                name: "TagsJson",
                table: "AugmentedSets");
        }
    }
}
