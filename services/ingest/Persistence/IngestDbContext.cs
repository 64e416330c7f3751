using Microsoft.EntityFrameworkCore;

namespace Agents.Ingest.Persistence;

/// <summary>Ingest's tables (prefixed <c>ingest_</c>) in the shared database, with their own migrations history.</summary>
public sealed class IngestDbContext(DbContextOptions<IngestDbContext> options) : DbContext(options)
{
    public const string MigrationsHistoryTable = "__ef_migrations_ingest";

    public DbSet<QuarantinedWebhook> Quarantine => Set<QuarantinedWebhook>();
    public DbSet<AcceptedDelivery> Deliveries => Set<AcceptedDelivery>();
    public DbSet<UnverifiedRequest> Unverified => Set<UnverifiedRequest>();

    /// <summary>Hands out <see cref="UnverifiedRequest.Slot"/>s in turn (modulo the configured row count).</summary>
    public const string UnverifiedSlots = "ingest_unverified_slot";

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
        model.HasSequence<long>(UnverifiedSlots);
        model.Entity<UnverifiedRequest>(e =>
        {
            e.ToTable("ingest_unverified");
            e.HasKey(x => x.Slot);
            e.Property(x => x.Slot).ValueGeneratedNever();
            e.Property(x => x.Source).HasMaxLength(64);
            e.Property(x => x.Reason).HasMaxLength(64);
            e.Property(x => x.Detail).HasMaxLength(300);
            e.Property(x => x.ClientAddress).HasMaxLength(64);
            e.Property(x => x.Headers).HasColumnType("jsonb");
        });
    }
}
