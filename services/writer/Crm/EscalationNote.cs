using System.Net;
using Agents.Contracts;

namespace Agents.Writer.Crm;

/// <summary>
/// The note an <c>escalate</c> write leaves on a ticket, and how an adapter recognises one it left before. Vendors
/// offer no idempotency key for notes (Zendesk's covers ticket creation only), and a second identical note is not
/// harmless the way setting a field twice is: the note ends with a marker naming the write's key and generation, and
/// an adapter reads the ticket's notes for it before adding one. So a write applied again after a crash between the
/// vendor's answer and our record of it adds nothing. Two attempts of the same write running at the very same moment
/// (a re-drive meeting a slow attempt) can still both miss the other's note: the vendors give nothing to prevent it.
/// </summary>
public static class EscalationNote
{
    /// <summary>The note's words (the <c>note</c> change) and the marker line.</summary>
    public static string Text(ApplyWrite write) =>
        $"{(write.Changes.TryGetValue("note", out var note) ? note : "Needs a person.")}\n\n{Marker(write)}";

    /// <summary>The same as HTML (HubSpot's and Freshdesk's notes are HTML): text escaped, lines as paragraphs.</summary>
    public static string Html(ApplyWrite write) =>
        string.Concat(Text(write).Split("\n\n").Select(p => $"<p>{WebUtility.HtmlEncode(p)}</p>"));

    /// <summary>Whether a note's body (plain or HTML) is the one this write leaves.</summary>
    public static bool IsFrom(ApplyWrite write, string? body) =>
        body is not null && (body.Contains(Marker(write), StringComparison.Ordinal)
            || body.Contains(WebUtility.HtmlEncode(Marker(write)), StringComparison.Ordinal));

    private static string Marker(ApplyWrite write) => $"[agents escalation {VendorIdempotencyKey.For(write, 200)}]";
}
