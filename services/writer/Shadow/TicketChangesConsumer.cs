using Agents.Contracts;
using Agents.ServiceDefaults.Shadow;
using Agents.Writer.Persistence;
using Agents.Writer.Sagas;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Shadow;

/// <summary>
/// Keeps the field changes the CRM reports (<see cref="TicketFieldsChanged"/>, which ingest publishes only for events
/// that carry changes) for the shadow report, each once (a redelivered event adds nothing). A change that repeats what
/// one of our writes applied to the ticket shortly before is that write's echo: kept, marked as ours, never counted as
/// what people did. Until 2026-12-05 this endpoint read every <see cref="TicketReceived"/> for its changes; one still
/// queued from then is read the same way (<see cref="TicketChangesDefinition"/>).
/// </summary>
public sealed class TicketChangesConsumer(WriterDbContext db, IOptions<WriterOptions> options, TimeProvider clock) :
    IConsumer<TicketFieldsChanged>, IConsumer<TicketReceived>
{
    private static readonly string[] Written = [WriteStates.Applying, WriteStates.Applied];

    public Task Consume(ConsumeContext<TicketFieldsChanged> context) => KeepAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<TicketReceived> context) =>
        TicketFieldsChanged.Of(context.Message) is { } changes ? KeepAsync(changes, context.CancellationToken) : Task.CompletedTask;

    private async Task KeepAsync(TicketFieldsChanged ticket, CancellationToken ct)
    {
        var changedAt = ticket.UpdatedAt ?? ticket.ReceivedAt;
        var ours = await db.Writes.AsNoTracking()
            .Where(w => w.Source == ticket.Source && w.ExternalId == ticket.ExternalId && Written.Contains(w.CurrentState))
            .Select(w => new { w.IdempotencyKey, w.Changes, WrittenAt = w.AppliedAt ?? w.DecidedAt })
            .ToListAsync(ct);
        foreach (var change in ticket.Changes)
        {
            var echo = ours.FirstOrDefault(w =>
                // A minute of slack: the vendor's clock is not ours.
                (w.WrittenAt is null || changedAt >= w.WrittenAt.Value.AddMinutes(-1) && changedAt <= w.WrittenAt.Value + options.Value.Shadow.EchoWindow)
                && IsEcho(change, ProposalContent.Changes(w.Changes)));
            var receivedAt = clock.GetUtcNow();
            // ON CONFLICT: the same delivery's change, redelivered or sent twice by the vendor, is one row.
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO ticket_changes ("Source", "ExternalId", "Field", "From", "To", "ChangedBy", "ChangedAt", "ReceivedAt", "DeliveryId", "OurWrite")
                VALUES ({ticket.Source}, {ticket.ExternalId}, {change.Field}, {change.From}, {change.To}, {ticket.ChangedBy},
                        {changedAt}, {receivedAt}, {ticket.DeliveryId}, {echo?.IdempotencyKey})
                ON CONFLICT ("Source", "DeliveryId", "Field") DO NOTHING
                """, ct);
        }
    }

    /// <summary>The change sets the field to what our write set it to (adds only tags our write added).</summary>
    private static bool IsEcho(FieldChange change, IReadOnlyDictionary<string, string> written)
    {
        if (!written.TryGetValue(change.Field, out var value) || change.To is null)
            return false;
        return change.Field == TicketFields.Tags
            ? change.From is null && ShadowValues.SplitTags(change.To).IsSubsetOf(ShadowValues.SplitTags(value))
            : string.Equals(change.To.Trim(), value.Trim(), StringComparison.OrdinalIgnoreCase);
    }
}
