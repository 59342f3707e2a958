using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace VaeWorkbench.Web.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InviteRevocation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_TeamInvites_TeamId",
                table: "TeamInvites");

            migrationBuilder.AddColumn<long>(
                name: "RevokedAt",
                table: "TeamInvites",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RevokedByUserId",
                table: "TeamInvites",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_TeamInvites_TeamId_CreatedAt",
                table: "TeamInvites",
                columns: new[] { "TeamId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_TeamInvites_TeamId_CreatedAt",
                table: "TeamInvites");

            migrationBuilder.DropColumn(
                name: "RevokedAt",
                table: "TeamInvites");

            migrationBuilder.DropColumn(
                name: "RevokedByUserId",
                table: "TeamInvites");

            migrationBuilder.CreateIndex(
                name: "IX_TeamInvites_TeamId",
                table: "TeamInvites",
                column: "TeamId");
        }
    }
}
