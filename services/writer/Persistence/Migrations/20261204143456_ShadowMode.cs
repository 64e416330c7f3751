using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Agents.Writer.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ShadowMode : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "shadow_proposals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CorrelationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Generation = table.Column<int>(type: "integer", nullable: false),
                    Source = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ExternalId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Kind = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Field = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AgentValue = table.Column<string>(type: "text", nullable: false),
                    Before = table.Column<string>(type: "text", nullable: true),
                    Language = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Confidence = table.Column<double>(type: "double precision", nullable: true),
                    TicketUpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ProposedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    PeopleValue = table.Column<string>(type: "text", nullable: true),
                    PeopleActor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    SettledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shadow_proposals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ticket_changes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Source = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ExternalId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Field = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    From = table.Column<string>(type: "text", nullable: true),
                    To = table.Column<string>(type: "text", nullable: true),
                    ChangedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DeliveryId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    OurWrite = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ticket_changes", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_shadow_proposals_CorrelationId_Generation",
                table: "shadow_proposals",
                columns: new[] { "CorrelationId", "Generation" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_shadow_proposals_Kind_ProposedAt",
                table: "shadow_proposals",
                columns: new[] { "Kind", "ProposedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_shadow_proposals_ProposedAt",
                table: "shadow_proposals",
                column: "ProposedAt",
                filter: "\"SettledAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ticket_changes_Source_DeliveryId_Field",
                table: "ticket_changes",
                columns: new[] { "Source", "DeliveryId", "Field" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ticket_changes_Source_ExternalId_Field_ChangedAt",
                table: "ticket_changes",
                columns: new[] { "Source", "ExternalId", "Field", "ChangedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "shadow_proposals");

            migrationBuilder.DropTable(
                name: "ticket_changes");
        }
    }
}
