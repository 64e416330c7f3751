using Agents.Writer.BulkGuard;
using Agents.Writer.Crm;
using Agents.Writer.Escalations;
using Agents.Writer.Sagas;
using Agents.Writer.Shadow;
using Microsoft.EntityFrameworkCore;

namespace Agents.Writer.Persistence;

public sealed class WriterDbContext(DbContextOptions<WriterDbContext> options) : DbContext(options)
{
    public DbSet<WriteApprovalState> Writes => Set<WriteApprovalState>();
    public DbSet<AuditEntry> Audit => Set<AuditEntry>();
    public DbSet<JournalEntry> Journal => Set<JournalEntry>();
    public DbSet<BulkBatch> Batches => Set<BulkBatch>();
    public DbSet<BulkGuardWindow> BulkGuardWindows => Set<BulkGuardWindow>();
    public DbSet<Escalation> Escalations => Set<Escalation>();
    public DbSet<ShadowProposal> ShadowProposals => Set<ShadowProposal>();
    public DbSet<TicketChange> TicketChanges => Set<TicketChange>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<WriteApprovalState>(e =>
        {
            e.ToTable("write_approvals");
            e.HasKey(x => x.CorrelationId);
            // The saga id is derived from the key, so this is belt and braces: one key, one row, ever.
            e.HasIndex(x => x.IdempotencyKey).IsUnique();
            e.HasIndex(x => new { x.CurrentState, x.ProposedAt });
            e.HasIndex(x => new { x.CurrentState, x.ExpiresAt });
            e.HasIndex(x => x.BatchId);
            e.Property(x => x.CurrentState).HasMaxLength(64);
            e.Property(x => x.TraceParent).HasMaxLength(128);
            e.Property(x => x.IdempotencyKey).HasMaxLength(512);
            e.Property(x => x.Source).HasMaxLength(64);
            e.Property(x => x.ExternalId).HasMaxLength(256);
            e.Property(x => x.Kind).HasMaxLength(64);
            e.Property(x => x.Changes).HasColumnType("jsonb");
            e.Property(x => x.Before).HasColumnType("jsonb");
            e.Property(x => x.Classification).HasColumnType("jsonb");
            e.Property(x => x.Notes).HasColumnType("jsonb");
            e.Property(x => x.ContentHash).HasMaxLength(64);
            e.Property(x => x.NextProposal).HasColumnType("jsonb");
        });
        model.Entity<BulkBatch>(e =>
        {
            e.ToTable("bulk_batches");
            e.HasKey(x => x.BatchId);
            // One open batch per source and kind: two instances tripping at once join the same batch (INSERT … ON CONFLICT).
            e.HasIndex(x => new { x.Source, x.Kind }).IsUnique().HasFilter("\"ClosedAt\" IS NULL");
            e.Property(x => x.Source).HasMaxLength(64);
            e.Property(x => x.Kind).HasMaxLength(64);
            e.Property(x => x.Decision).HasMaxLength(16);
        });
        model.Entity<BulkGuardWindow>(e =>
        {
            e.ToTable("bulk_guard_windows");
            e.HasKey(x => new { x.Source, x.Kind, x.WindowStart });
            e.Property(x => x.Source).HasMaxLength(64);
            e.Property(x => x.Kind).HasMaxLength(64);
        });
        model.Entity<AuditEntry>(e =>
        {
            e.ToTable("write_audit");
            e.HasIndex(x => new { x.CorrelationId, x.At });
            e.Property(x => x.Action).HasMaxLength(64);
            e.Property(x => x.Actor).HasMaxLength(256);
            e.Property(x => x.ContentHash).HasMaxLength(64);
        });
        // Every change to an escalation takes the next number: the page's change feed reads the highest.
        model.HasSequence<long>("escalation_changes");
        model.Entity<Escalation>(e =>
        {
            e.ToTable("escalations");
            // One row per ticket and generation: copies are counted on it, never a second row.
            e.HasIndex(x => new { x.Source, x.ExternalId, x.Generation }).IsUnique();
            e.HasIndex(x => x.Change);
            // The inbox (active, most urgent and newest first) and the gauges read the rows not closed.
            e.HasIndex(x => new { x.PriorityRank, x.EscalatedAt }).HasFilter("\"ClosedAt\" IS NULL");
            e.HasIndex(x => x.ClosedAt);
            e.Property(x => x.Source).HasMaxLength(64);
            e.Property(x => x.ExternalId).HasMaxLength(256);
            e.Property(x => x.ReasonKind).HasMaxLength(32);
            e.Property(x => x.Priority).HasMaxLength(16);
            e.Property(x => x.Classification).HasColumnType("jsonb");
            e.Property(x => x.ClaimedBy).HasMaxLength(256);
            e.Property(x => x.ClosedBy).HasMaxLength(256);
            e.Property(x => x.Change).HasDefaultValueSql("nextval('escalation_changes')");
            e.Ignore(x => x.State);
        });
        model.Entity<ShadowProposal>(e =>
        {
            e.ToTable("shadow_proposals");
            // One row per shadowed generation of a write.
            e.HasIndex(x => new { x.CorrelationId, x.Generation }).IsUnique();
            e.HasIndex(x => x.ProposedAt).HasFilter("\"SettledAt\" IS NULL");
            e.HasIndex(x => new { x.Kind, x.ProposedAt });
            e.Property(x => x.Source).HasMaxLength(64);
            e.Property(x => x.ExternalId).HasMaxLength(256);
            e.Property(x => x.Kind).HasMaxLength(64);
            e.Property(x => x.Field).HasMaxLength(64);
            e.Property(x => x.Language).HasMaxLength(16);
            e.Property(x => x.Outcome).HasMaxLength(16);
            e.Property(x => x.PeopleActor).HasMaxLength(256);
        });
        model.Entity<TicketChange>(e =>
        {
            e.ToTable("ticket_changes");
            // A delivery's change of a field is kept once, however often the event is delivered.
            e.HasIndex(x => new { x.Source, x.DeliveryId, x.Field }).IsUnique();
            e.HasIndex(x => new { x.Source, x.ExternalId, x.Field, x.ChangedAt });
            e.Property(x => x.Source).HasMaxLength(64);
            e.Property(x => x.ExternalId).HasMaxLength(256);
            e.Property(x => x.Field).HasMaxLength(64);
            e.Property(x => x.ChangedBy).HasMaxLength(256);
            e.Property(x => x.DeliveryId).HasMaxLength(256);
            e.Property(x => x.OurWrite).HasMaxLength(512);
        });
        model.Entity<JournalEntry>(e =>
        {
            e.ToTable("crm_journal");
            // The journal's exactly-once guarantee: a second apply of the same key and generation cannot add a row.
            e.HasIndex(x => new { x.IdempotencyKey, x.Generation }).IsUnique();
            e.Property(x => x.IdempotencyKey).HasMaxLength(512);
            e.Property(x => x.Changes).HasColumnType("jsonb");
        });
    }
}
