using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Agents.Ingest.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ingest_deliveries",
                columns: table => new
                {
                    Source = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    DeliveryKey = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    ExternalId = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    MessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    AcceptedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ingest_deliveries", x => new { x.Source, x.DeliveryKey });
                });

            migrationBuilder.CreateTable(
                name: "ingest_quarantine",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    Source = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Reason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    StatusCode = table.Column<int>(type: "integer", nullable: false),
                    Detail = table.Column<string>(type: "text", nullable: true),
                    Headers = table.Column<string>(type: "jsonb", nullable: false),
                    Body = table.Column<byte[]>(type: "bytea", nullable: false),
                    BodySize = table.Column<long>(type: "bigint", nullable: false),
                    BodyTruncated = table.Column<bool>(type: "boolean", nullable: false),
                    SignatureVerified = table.Column<bool>(type: "boolean", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReplayedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ReplayedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ReplayResult = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ingest_quarantine", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ingest_deliveries_AcceptedAt",
                table: "ingest_deliveries",
                column: "AcceptedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ingest_quarantine_ReceivedAt",
                table: "ingest_quarantine",
                column: "ReceivedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ingest_deliveries");

            migrationBuilder.DropTable(
                name: "ingest_quarantine");
        }
    }
}
