using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agents.Ingest.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class UnverifiedSample : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateSequence(
                name: "ingest_unverified_slot");

            migrationBuilder.CreateTable(
                name: "ingest_unverified",
                columns: table => new
                {
                    Slot = table.Column<int>(type: "integer", nullable: false),
                    Source = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    StatusCode = table.Column<int>(type: "integer", nullable: false),
                    Reason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Detail = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    ClientAddress = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Headers = table.Column<string>(type: "jsonb", nullable: false),
                    Body = table.Column<byte[]>(type: "bytea", nullable: false),
                    BodySize = table.Column<long>(type: "bigint", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ingest_unverified", x => x.Slot);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ingest_unverified");

            migrationBuilder.DropSequence(
                name: "ingest_unverified_slot");
        }
    }
}
