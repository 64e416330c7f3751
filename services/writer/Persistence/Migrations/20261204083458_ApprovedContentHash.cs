using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agents.Writer.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ApprovedContentHash : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ContentHash",
                table: "write_audit",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ContentHash",
                table: "write_audit");
        }
    }
}
