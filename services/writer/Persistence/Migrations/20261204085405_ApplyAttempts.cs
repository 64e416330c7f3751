using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agents.Writer.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ApplyAttempts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ApplyAttempt",
                table: "write_approvals",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ApplyRequestedAt",
                table: "write_approvals",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ApplyAttempt",
                table: "write_approvals");

            migrationBuilder.DropColumn(
                name: "ApplyRequestedAt",
                table: "write_approvals");
        }
    }
}
