using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VaeWorkbench.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReviewDecisionUndo : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ReviewDecisionEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ScoreJobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DatasetImageId = table.Column<long>(type: "INTEGER", nullable: false),
                    BatchId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Decision = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    PreviousDecision = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    PreviousNote = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    PreviousReviewerUserId = table.Column<string>(type: "TEXT", nullable: true),
                    PreviousDecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UndoneAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReviewDecisionEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReviewDecisionEvents_DatasetImages_DatasetImageId",
                        column: x => x.DatasetImageId,
                        principalTable: "DatasetImages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ReviewDecisionEvents_ScoreJobs_ScoreJobId",
                        column: x => x.ScoreJobId,
                        principalTable: "ScoreJobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ReviewDecisionEvents_BatchId",
                table: "ReviewDecisionEvents",
                column: "BatchId");

            migrationBuilder.CreateIndex(
                name: "IX_ReviewDecisionEvents_DatasetImageId",
                table: "ReviewDecisionEvents",
                column: "DatasetImageId");

            migrationBuilder.CreateIndex(
                name: "IX_ReviewDecisionEvents_ScoreJobId_UserId_UndoneAt_Id",
                table: "ReviewDecisionEvents",
                columns: new[] { "ScoreJobId", "UserId", "UndoneAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ReviewDecisionEvents");
        }
    }
}
