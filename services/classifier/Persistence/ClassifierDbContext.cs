using Agents.Classifier.History;
using Microsoft.EntityFrameworkCore;

namespace Agents.Classifier.Persistence;

/// <summary>
/// The classifier's tables in the shared database (prefixed <c>classifier_</c>, own migrations history table,
/// so they never collide with the writer's).
/// </summary>
public sealed class ClassifierDbContext(DbContextOptions<ClassifierDbContext> options) : DbContext(options)
{
    public const string MigrationsHistoryTable = "__ef_migrations_classifier";

    public DbSet<CachedClassification> Cache => Set<CachedClassification>();
    public DbSet<TicketStep> Steps => Set<TicketStep>();
    public DbSet<ContentLease> Leases => Set<ContentLease>();
    public DbSet<HandledDelivery> Deliveries => Set<HandledDelivery>();
    public DbSet<TicketOutcome> Outcomes => Set<TicketOutcome>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<CachedClassification>(e =>
        {
            e.ToTable("classifier_cache");
            e.HasKey(x => x.ContentHash);
            e.Property(x => x.ContentHash).HasMaxLength(64);
            e.Property(x => x.Classification).HasColumnType("jsonb");
            e.Property(x => x.Model).HasMaxLength(200);
        });
        model.Entity<TicketStep>(e =>
        {
            e.ToTable("classifier_steps");
            e.HasIndex(x => new { x.Source, x.ExternalId, x.Id });
            e.Property(x => x.Source).HasMaxLength(64);
            e.Property(x => x.ExternalId).HasMaxLength(256);
            e.Property(x => x.DeliveryId).HasMaxLength(256);
            e.Property(x => x.TraceId).HasMaxLength(32);
            e.Property(x => x.Step).HasMaxLength(32);
            e.Property(x => x.Model).HasMaxLength(200);
            e.Property(x => x.Outcome).HasMaxLength(64);
            e.Property(x => x.Detail).HasMaxLength(1000);
        });
        model.Entity<ContentLease>(e =>
        {
            e.ToTable("classifier_leases");
            e.HasKey(x => x.ContentHash);
            e.Property(x => x.ContentHash).HasMaxLength(64);
        });
        model.Entity<HandledDelivery>(e =>
        {
            // Text keys: whatever the publisher put in a delivery id fits, so recording it never fails a ticket.
            e.ToTable("classifier_deliveries");
            e.HasKey(x => new { x.Source, x.ExternalId, x.DeliveryId });
            e.HasIndex(x => x.HandledAt);
        });
        model.Entity<TicketOutcome>(e =>
        {
            e.ToTable("classifier_ticket_outcomes");
            e.HasKey(x => new { x.Source, x.ExternalId });
            e.HasIndex(x => new { x.RequesterKey, x.At });
            e.Property(x => x.RequesterKey).HasMaxLength(64);
            e.Property(x => x.Category).HasMaxLength(200);
            e.Property(x => x.Priority).HasMaxLength(32);
            e.Property(x => x.Outcome).HasMaxLength(500);
        });
    }
}

/// <summary>
/// One instance classifying a content right now, until <see cref="Until"/>: the other copies wait for its answer
/// instead of calling the LLM too, and take over once the lease has run out (its holder died).
/// </summary>
public sealed class ContentLease
{
    public string ContentHash { get; set; } = "";
    public Guid Owner { get; set; }
    public DateTimeOffset Until { get; set; }
}

/// <summary>A ticket delivery whose outcome (verdict, escalation or proposals) was published: a later copy is skipped.</summary>
public sealed class HandledDelivery
{
    public string Source { get; set; } = "";
    public string ExternalId { get; set; } = "";
    public string DeliveryId { get; set; } = "";
    public DateTimeOffset HandledAt { get; set; }
}

/// <summary>An LLM classification of some content, by the hash of its redacted text (no text stored).</summary>
public sealed class CachedClassification
{
    public string ContentHash { get; set; } = "";
    public string Classification { get; set; } = "{}";
    public string Model { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One step of one ticket's classification. Identifiers, outcomes and reasons only, never ticket text.</summary>
public sealed class TicketStep
{
    public long Id { get; set; }
    public string Source { get; set; } = "";
    public string ExternalId { get; set; } = "";
    public string? DeliveryId { get; set; }
    public string? TraceId { get; set; }

    /// <summary>received, redacted, cache-hit, llm-request, result, fallback, escalation, proposals.</summary>
    public string Step { get; set; } = "";

    public DateTimeOffset At { get; set; }
    public string? Model { get; set; }
    public double? LatencyMs { get; set; }
    public long? InputTokens { get; set; }
    public long? OutputTokens { get; set; }
    public string? Outcome { get; set; }
    public string? Detail { get; set; }
}
