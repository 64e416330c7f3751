using Agents.Contracts;
using Agents.Writer.Persistence;
using Agents.Writer.Sagas;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Agents.Writer.Escalations;

/// <summary>What an escalation message did to the inbox.</summary>
public enum InboxOutcome
{
    /// <summary>A new row: the ticket's first escalation, or a newer version of it escalated again.</summary>
    New,

    /// <summary>A copy (or an older version) of an escalation the inbox has: counted on its row.</summary>
    Duplicate,
}

/// <summary>
/// Takes escalations into the inbox: one row per ticket and generation, the generation derived from the ticket
/// version as the saga derives a write's (<see cref="ProposalVersion"/>): a newer version than the ticket's last row
/// makes the next generation, anything else is a duplicate, counted on the row of its version (else the last). The
/// ticket's rows are read and written under a transaction-scoped advisory lock on the ticket, so two instances taking
/// copies at once cannot both add a row (the unique index on ticket and generation would refuse the second anyway).
/// A new row's <c>escalate</c> write is published before the commit: committed means proposed.
/// </summary>
public sealed class EscalationInbox(IDbContextFactory<WriterDbContext> dbFactory, TimeProvider clock, ILogger<EscalationInbox> logger)
{
    // The advisory lock's first key: the two-integer key space of PostgreSQL's advisory locks, kept apart from the
    // sweepers' single 64-bit keys.
    private const int LockClass = 0x45534331; // "ESC1"

    private static readonly Dictionary<string, int> Ranks = new(StringComparer.OrdinalIgnoreCase)
    {
        ["urgent"] = 0, ["high"] = 1, ["medium"] = 2, ["low"] = 3,
    };

    public async Task<(InboxOutcome Outcome, Escalation Row)> RecordAsync(TicketEscalated message, Func<Escalation, CancellationToken, Task> proposeAsync,
        CancellationToken cancellationToken)
    {
        // PostgreSQL keeps microseconds: a version compared at .NET's 100 ns would make a copy look newer than its row.
        message = message with { TicketUpdatedAt = Microseconds(message.TicketUpdatedAt) };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var ticket = $"{message.Source}\n{message.ExternalId}";
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({LockClass}, hashtext({ticket}))", cancellationToken);
        var rows = await db.Escalations
            .Where(e => e.Source == message.Source && e.ExternalId == message.ExternalId)
            .OrderByDescending(e => e.Generation)
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();

        var latest = rows.FirstOrDefault();
        if (latest is not null && !ProposalVersion.IsNewer(message.TicketUpdatedAt, latest.TicketUpdatedAt))
        {
            var same = rows.FirstOrDefault(r => r.TicketUpdatedAt == message.TicketUpdatedAt) ?? latest;
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE escalations SET "DuplicateCount" = "DuplicateCount" + 1, "LastSeenAt" = {now}, "Change" = nextval('escalation_changes')
                WHERE "Id" = {same.Id}
                """, cancellationToken);
            await tx.CommitAsync(cancellationToken);
            return (InboxOutcome.Duplicate, same);
        }

        var row = NewRow(message, (latest?.Generation ?? 0) + 1, now);
        // The person who had the older version in hand keeps the ticket: the claim moves to the new row.
        var holder = rows.FirstOrDefault(r => r.ClosedAt is null && r.ClaimedBy is not null);
        row.ClaimedBy = holder?.ClaimedBy;
        row.ClaimedAt = holder?.ClaimedAt;
        db.Escalations.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE escalations SET "ClosedAt" = {now}, "ClosedBy" = 'system',
                "CloseNote" = {$"superseded by generation {row.Generation}: a newer version of the ticket was escalated"},
                "Change" = nextval('escalation_changes')
            WHERE "Source" = {message.Source} AND "ExternalId" = {message.ExternalId} AND "Generation" < {row.Generation} AND "ClosedAt" IS NULL
            """, cancellationToken);
        await proposeAsync(row, cancellationToken);
        try
        {
            await tx.CommitAsync(CancellationToken.None);
        }
        catch (NpgsqlException e)
        {
            // The broker confirmed the proposal, but the transaction is gone: ended by PostgreSQL's idle-in-transaction
            // limit while a broker in a memory alarm held the publish, or its connection lost. Failing here would retry
            // the message and propose the write a second time; take the escalation in again without proposing it.
            logger.LogWarning("The inbox transaction of ticket {Source}/{ExternalId} was lost after its escalate write was proposed ({Error}); taking the escalation in again without proposing it",
                message.Source, message.ExternalId, e.Message);
            return await RecordAsync(message, static (_, _) => Task.CompletedTask, CancellationToken.None);
        }
        return (InboxOutcome.New, row);
    }

    private static DateTimeOffset? Microseconds(DateTimeOffset? at) =>
        at is { } t ? new DateTimeOffset(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero) : null;

    private static Escalation NewRow(TicketEscalated message, int generation, DateTimeOffset now)
    {
        var priority = message.Classification.Priority;
        return new Escalation
        {
            Source = message.Source,
            ExternalId = message.ExternalId,
            Generation = generation,
            TicketUpdatedAt = message.TicketUpdatedAt,
            ReasonKind = EscalationReasons.All.Contains(message.ReasonKind) ? message.ReasonKind : EscalationReasons.Other,
            Reason = message.Reason,
            Classification = ProposalContent.ToJson(message.Classification),
            Priority = priority,
            Confidence = message.Classification.Confidence,
            PriorityRank = Ranks.GetValueOrDefault(priority, 4),
            Subject = message.Subject,
            Excerpt = message.Excerpt,
            EscalatedAt = message.EscalatedAt == default ? now : message.EscalatedAt,
            ReceivedAt = now,
            LastSeenAt = now,
        };
    }
}
