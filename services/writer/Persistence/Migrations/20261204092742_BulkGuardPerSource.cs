using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agents.Writer.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class BulkGuardPerSource : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_bulk_guard_windows",
                table: "bulk_guard_windows");

            migrationBuilder.DropIndex(
                name: "IX_bulk_batches_Kind",
                table: "bulk_batches");

            migrationBuilder.AddColumn<string>(
                name: "Source",
                table: "bulk_guard_windows",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Source",
                table: "bulk_batches",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddPrimaryKey(
                name: "PK_bulk_guard_windows",
                table: "bulk_guard_windows",
                columns: new[] { "Source", "Kind", "WindowStart" });

            migrationBuilder.CreateIndex(
                name: "IX_bulk_batches_Source_Kind",
                table: "bulk_batches",
                columns: new[] { "Source", "Kind" },
                unique: true,
                filter: "\"ClosedAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_bulk_guard_windows",
                table: "bulk_guard_windows");

            migrationBuilder.DropIndex(
                name: "IX_bulk_batches_Source_Kind",
                table: "bulk_batches");

            migrationBuilder.DropColumn(
                name: "Source",
                table: "bulk_guard_windows");

            migrationBuilder.DropColumn(
                name: "Source",
                table: "bulk_batches");

            migrationBuilder.AddPrimaryKey(
                name: "PK_bulk_guard_windows",
                table: "bulk_guard_windows",
                columns: new[] { "Kind", "WindowStart" });

            migrationBuilder.CreateIndex(
                name: "IX_bulk_batches_Kind",
                table: "bulk_batches",
                column: "Kind",
                unique: true,
                filter: "\"ClosedAt\" IS NULL");
        }
    }
}
