using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agents.Writer.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class BulkReviewAndPolicy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "BatchId",
                table: "write_approvals",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BulkReason",
                table: "write_approvals",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "Confidence",
                table: "write_approvals",
                type: "double precision",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "bulk_batches",
                columns: table => new
                {
                    BatchId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Reason = table.Column<string>(type: "text", nullable: false),
                    OpenedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Decision = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    DecidedBy = table.Column<string>(type: "text", nullable: true),
                    DecisionReason = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bulk_batches", x => x.BatchId);
                });

            migrationBuilder.CreateTable(
                name: "bulk_guard_windows",
                columns: table => new
                {
                    Kind = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    WindowStart = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bulk_guard_windows", x => new { x.Kind, x.WindowStart });
                });

            migrationBuilder.CreateIndex(
                name: "IX_write_approvals_BatchId",
                table: "write_approvals",
                column: "BatchId");

            migrationBuilder.CreateIndex(
                name: "IX_bulk_batches_Kind",
                table: "bulk_batches",
                column: "Kind",
                unique: true,
                filter: "\"ClosedAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "bulk_batches");

            migrationBuilder.DropTable(
                name: "bulk_guard_windows");

            migrationBuilder.DropIndex(
                name: "IX_write_approvals_BatchId",
                table: "write_approvals");

            migrationBuilder.DropColumn(
                name: "BatchId",
                table: "write_approvals");

            migrationBuilder.DropColumn(
                name: "BulkReason",
                table: "write_approvals");

            migrationBuilder.DropColumn(
                name: "Confidence",
                table: "write_approvals");
        }
    }
}
