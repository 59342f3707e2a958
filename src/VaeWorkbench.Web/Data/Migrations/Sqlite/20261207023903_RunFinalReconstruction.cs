using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VaeWorkbench.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RunFinalReconstruction : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "FinalReconstructionHash",
                table: "TrainingRuns",
                type: "TEXT",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "FinalReconstructionHash",
                table: "TrainingRuns");
        }
    }
}
