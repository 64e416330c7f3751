using System.Diagnostics;
using System.Globalization;
using System.Text;
using Agents.Classifier.Pipeline;
using Agents.Contracts;
using Agents.Crm.Policy;
using Agents.Crm.Reading;
using Microsoft.Extensions.Options;

namespace Agents.Classifier.Hydration;

/// <summary>What hydration gives the classifier: the ticket with its text, or why it could not be read.</summary>
public sealed record Hydrated(TicketReceived Ticket, string? Unreadable);

/// <summary>
/// Reads the text of a ticket whose webhook carried ids only (<see cref="TicketReceived.NeedsHydration"/>) from its
/// CRM, as far as the policy's reads allow: subject, description and the latest comments (<c>read:tickets</c>), and
/// how many other recent tickets the requester has (<c>read:customers</c>). A failed read is tried again with
/// doubling waits (longer when the vendor's Retry-After asks); a refusal that will not change (401, 404), or the
/// last attempt, leaves the ticket unread, and it escalates as <see cref="CrmReads.Unreadable"/>. One step per read,
/// naming the CRM, the outcome and the attempt: never the text.
/// </summary>
public sealed class TicketHydrator(IEnumerable<ICrmReader> readers, AgentPolicy policy, IOptions<ClassifierOptions> options,
    TimeProvider time, ILogger<TicketHydrator> logger)
{
    public async Task<Hydrated> HydrateAsync(TicketReceived ticket, StepRecorder steps, CancellationToken cancellationToken)
    {
        if (!ticket.NeedsHydration)
            return new(ticket, null);
        if (!policy.MayRead(ReadPermissions.Tickets))
            return Unread(ticket, steps, "refused", $"{ReadPermissions.Tickets} is not allowed by the policy");
        if (readers.ConfiguredFor(ticket.Source) is not { } reader)
        {
            var candidates = readers.Where(r => r.Sources.Contains(ticket.Source)).ToList();
            return Unread(ticket, steps, "unavailable", candidates.Count == 0
                ? $"no CRM reader for source {ticket.Source}"
                : string.Join("; ", candidates.Select(c => c.MissingSettings)));
        }

        var hydration = options.Value.Hydration;
        for (var attempt = 1; ; attempt++)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var read = await reader.ReadTicketAsync(ticket.ExternalId, cancellationToken);
                steps.Add("crm-read", outcome: "ok", latency: Stopwatch.GetElapsedTime(started),
                    detail: string.Create(CultureInfo.InvariantCulture, $"{reader.Name} ticket, attempt {attempt}: {read.LatestComments.Count} comments"));
                await RequesterAsync(reader, read, steps, cancellationToken);
                return new(ticket with { Subject = read.Subject, Body = Text(read, hydration.MaxTextLength), NeedsHydration = false }, null);
            }
            catch (CrmReadException e)
            {
                var last = !e.Retryable || attempt >= hydration.Attempts;
                steps.Add("crm-read", outcome: last ? "failed" : "retry", latency: Stopwatch.GetElapsedTime(started),
                    detail: string.Create(CultureInfo.InvariantCulture, $"attempt {attempt}: {e.Message}"));
                if (last)
                    return Unread(ticket, steps, null, e.Message);
                await Task.Delay(Wait(hydration, attempt, e.RetryAfter), time, cancellationToken);
            }
        }
    }

    // The requester's history is context, not the ticket: failing to read it leaves the ticket as read.
    private async Task RequesterAsync(ICrmReader reader, CrmTicket ticket, StepRecorder steps, CancellationToken cancellationToken)
    {
        if (!policy.MayRead(ReadPermissions.Customers) || ticket.RequesterId is null)
            return;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var others = await reader.RequesterTicketsAsync(ticket, cancellationToken);
            steps.Add("crm-read", outcome: "ok", latency: Stopwatch.GetElapsedTime(started),
                detail: string.Create(CultureInfo.InvariantCulture, $"{reader.Name} requester: {others.Count} other recent tickets"));
        }
        catch (CrmReadException e)
        {
            steps.Add("crm-read", outcome: "failed", latency: Stopwatch.GetElapsedTime(started), detail: $"requester: {e.Message}");
        }
    }

    private Hydrated Unread(TicketReceived ticket, StepRecorder steps, string? outcome, string why)
    {
        if (outcome is not null)
            steps.Add("crm-read", outcome: outcome, detail: why);
        logger.LogWarning("Ticket {Source}/{ExternalId} could not be read from its CRM: {Reason}", ticket.Source, ticket.ExternalId, why);
        return new(ticket, why);
    }

    private static TimeSpan Wait(HydrationOptions hydration, int attempt, TimeSpan? retryAfter)
    {
        var backoff = hydration.RetryDelay * Math.Pow(2, attempt - 1);
        var wait = retryAfter is { } asked && asked > backoff ? asked : backoff;
        return wait > hydration.MaxRetryDelay ? hydration.MaxRetryDelay : wait;
    }

    /// <summary>The description, then the latest comments oldest first, as a thread reads.</summary>
    private static string Text(CrmTicket ticket, int maxLength)
    {
        var text = new StringBuilder(ticket.Description.Trim());
        foreach (var comment in ticket.LatestComments.Reverse().Where(c => c.Text.Trim().Length > 0))
            text.Append("\n\n").Append(comment.Text.Trim());
        return text.Length > maxLength ? text.ToString(0, maxLength) : text.ToString();
    }
}
