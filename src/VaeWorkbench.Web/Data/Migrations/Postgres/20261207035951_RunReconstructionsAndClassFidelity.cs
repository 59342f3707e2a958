using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VaeWorkbench.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RunReconstructionsAndClassFidelity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "FinalReconstructionHash",
                table: "TrainingRuns",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClassFidelityJson",
                table: "AugmentedSets",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "FinalReconstructionHash",
                table: "TrainingRuns");

            migrationBuilder.DropColumn(
                name: "ClassFidelityJson",
                table: "AugmentedSets");
        }
    }
}
