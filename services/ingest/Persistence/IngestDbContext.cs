using Microsoft.EntityFrameworkCore;

namespace Agents.Ingest.Persistence;

/// <summary>Ingest's tables (prefixed <c>ingest_</c>) in the shared database, with their own migrations history.</summary>
public sealed class IngestDbContext(DbContextOptions<IngestDbContext> options) : DbContext(options)
{
    public const string MigrationsHistoryTable = "__ef_migrations_ingest";

    public DbSet<QuarantinedWebhook> Quarantine => Set<QuarantinedWebhook>();
    public DbSet<AcceptedDelivery> Deliveries => Set<AcceptedDelivery>();

    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, x => x.MigrationsHistoryTable(MigrationsHistoryTable));

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<QuarantinedWebhook>(e =>
        {
            e.ToTable("ingest_quarantine");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.Source).HasMaxLength(64);
            e.Property(x => x.Reason).HasMaxLength(64);
            e.Property(x => x.Headers).HasColumnType("jsonb");
            e.Property(x => x.ReplayedBy).HasMaxLength(256);
            e.HasIndex(x => x.ReceivedAt);
        });
        model.Entity<AcceptedDelivery>(e =>
        {
            e.ToTable("ingest_deliveries");
            e.HasKey(x => new { x.Source, x.DeliveryKey });
            e.Property(x => x.Source).HasMaxLength(64);
            e.Property(x => x.DeliveryKey).HasMaxLength(300);
            e.Property(x => x.ExternalId).HasMaxLength(300);
            e.HasIndex(x => x.AcceptedAt);
        });
    }
}
