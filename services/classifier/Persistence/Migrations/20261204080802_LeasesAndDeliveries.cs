using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agents.Classifier.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class LeasesAndDeliveries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "classifier_deliveries",
                columns: table => new
                {
                    Source = table.Column<string>(type: "text", nullable: false),
                    ExternalId = table.Column<string>(type: "text", nullable: false),
                    DeliveryId = table.Column<string>(type: "text", nullable: false),
                    HandledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_classifier_deliveries", x => new { x.Source, x.ExternalId, x.DeliveryId });
                });

            migrationBuilder.CreateTable(
                name: "classifier_leases",
                columns: table => new
                {
                    ContentHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Owner = table.Column<Guid>(type: "uuid", nullable: false),
                    Until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_classifier_leases", x => x.ContentHash);
                });

            migrationBuilder.CreateIndex(
                name: "IX_classifier_deliveries_HandledAt",
                table: "classifier_deliveries",
                column: "HandledAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "classifier_deliveries");

            migrationBuilder.DropTable(
                name: "classifier_leases");
        }
    }
}
