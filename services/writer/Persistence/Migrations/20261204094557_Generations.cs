using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agents.Writer.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Generations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_crm_journal_IdempotencyKey",
                table: "crm_journal");

            migrationBuilder.AddColumn<int>(
                name: "Generation",
                table: "write_audit",
                type: "integer",
                nullable: false,
                defaultValue: 1); // every row so far is a first generation

            migrationBuilder.AddColumn<int>(
                name: "Generation",
                table: "write_approvals",
                type: "integer",
                nullable: false,
                defaultValue: 1); // every row so far is a first generation

            migrationBuilder.AddColumn<string>(
                name: "NextProposal",
                table: "write_approvals",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "TicketUpdatedAt",
                table: "write_approvals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Generation",
                table: "crm_journal",
                type: "integer",
                nullable: false,
                defaultValue: 1); // every row so far is a first generation

            migrationBuilder.CreateIndex(
                name: "IX_crm_journal_IdempotencyKey_Generation",
                table: "crm_journal",
                columns: new[] { "IdempotencyKey", "Generation" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_crm_journal_IdempotencyKey_Generation",
                table: "crm_journal");

            migrationBuilder.DropColumn(
                name: "Generation",
                table: "write_audit");

            migrationBuilder.DropColumn(
                name: "Generation",
                table: "write_approvals");

            migrationBuilder.DropColumn(
                name: "NextProposal",
                table: "write_approvals");

            migrationBuilder.DropColumn(
                name: "TicketUpdatedAt",
                table: "write_approvals");

            migrationBuilder.DropColumn(
                name: "Generation",
                table: "crm_journal");

            migrationBuilder.CreateIndex(
                name: "IX_crm_journal_IdempotencyKey",
                table: "crm_journal",
                column: "IdempotencyKey",
                unique: true);
        }
    }
}
