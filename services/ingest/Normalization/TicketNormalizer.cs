using System.Text;
using System.Text.Json;
using Agents.Contracts;
using Agents.Ingest.Verification;
using Agents.ServiceDefaults.Redaction;

namespace Agents.Ingest.Normalization;

/// <summary>
/// Cleans a draft into the normalized ticket every downstream service reads. Everything that is odd but survivable
/// becomes a warning on the ticket; only a draft without a ticket id is refused (null).
/// </summary>
public static class TicketNormalizer
{
    public const int MaxSubjectLength = 500;
    public const int MaxTags = 50;
    public const int MaxIdLength = 256;

    public static TicketReceived? Normalize(TicketDraft draft, string source, DateTimeOffset receivedAt, int maxTextLength, out string? refusal)
    {
        var warnings = new List<string>(draft.Warnings);
        var externalId = PlainText.Clean(draft.ExternalId, singleLine: true);
        if (externalId.Length == 0)
        {
            refusal = "the payload names no ticket (no ticket id)";
            return null;
        }
        if (externalId.Length > MaxIdLength)
        {
            refusal = $"the ticket id is longer than {MaxIdLength} characters";
            return null;
        }
        refusal = null;

        // Subjects are plain text at every vendor: markup in one is what the customer typed and stays as text (the
        // approval page encodes it); only entities are decoded.
        var rawSubject = draft.Subject is null ? null : System.Net.WebUtility.HtmlDecode(draft.Subject);
        // Secrets go before anything leaves this service (the bus, logs); redacted before truncation, so a cut
        // cannot leave half a card number that no longer matches its pattern.
        var redactedSubject = Redactor.Redact(PlainText.Clean(rawSubject, singleLine: true));
        var subject = PlainText.Truncate(redactedSubject.Text, MaxSubjectLength, out var subjectCut);
        // A ticket to be hydrated has no text yet by design; that is not worth a warning.
        if (subject.Length == 0 && !draft.NeedsHydration) warnings.Add("empty subject");
        if (subjectCut) warnings.Add($"subject truncated to {MaxSubjectLength} characters");

        if (draft.Body is null && draft.BodyDocument is null && !draft.NeedsHydration) warnings.Add("no body");
        string rawBody;
        bool html, rawCut;
        if (draft.BodyDocument is { } document)
        {
            rawBody = AtlassianDocument.ToText(document, TextBounds.RawTextLimit(maxTextLength), warnings, out rawCut);
            html = false;
        }
        else
        {
            html = draft.BodyIsHtml ?? PlainText.LooksLikeHtml(draft.Body ?? "");
            // Parsing a huge HTML document costs; cut the raw text first (generously, markup shrinks).
            rawBody = PlainText.Truncate(draft.Body ?? "", TextBounds.RawTextLimit(maxTextLength), out rawCut);
        }
        var stripped = false;
        var body = PlainText.Clean(html ? PlainText.FromHtml(rawBody, out stripped) : rawBody);
        if (stripped) warnings.Add("HTML nested too deeply to parse; tags removed without parsing");
        var redactedBody = Redactor.Redact(body);
        body = PlainText.Truncate(redactedBody.Text, maxTextLength, out var bodyCut);
        // Counts only: the values are gone, and the requester's own address (a separate field) is kept as is. Counted
        // as placeholders in the text, so a quarantined body (stored redacted) replays to the same warning.
        if (Placeholders.CountDistinct(redactedSubject.Text) + Placeholders.CountDistinct(redactedBody.Text) is > 0 and var redacted)
            warnings.Add($"redacted {redacted} secret(s) from the text");
        if (bodyCut || rawCut) warnings.Add($"body truncated to {maxTextLength} characters");

        var name = NullIfEmpty(PlainText.Clean(draft.RequesterName, singleLine: true));
        var email = NullIfEmpty(PlainText.Clean(draft.RequesterEmail, singleLine: true));
        if (email is not null && (!email.Contains('@') || email.Length > 320))
        {
            warnings.Add("requester email is not an address; dropped");
            email = null;
        }
        if (name is null && email is null && !draft.NeedsHydration) warnings.Add("no requester");

        var tags = draft.Tags.Select(t => PlainText.Clean(t, singleLine: true)).Where(t => t.Length > 0)
            .Distinct(StringComparer.Ordinal).ToList();
        if (tags.Count > MaxTags)
        {
            warnings.Add($"only the first {MaxTags} tags kept");
            tags = tags.Take(MaxTags).ToList();
        }

        var ticket = new TicketReceived
        {
            Source = source,
            ExternalId = externalId,
            EventKind = NullIfEmpty(PlainText.Clean(draft.EventKind, singleLine: true)) ?? "ticket.updated",
            DeliveryId = "",
            Subject = subject,
            Body = body,
            Requester = name is null && email is null ? null : new Requester(name, email),
            CreatedAt = Date(draft.CreatedAt, "created", warnings),
            UpdatedAt = Date(draft.UpdatedAt, "updated", warnings),
            Tags = tags,
            Priority = NullIfEmpty(PlainText.Clean(draft.Priority, singleLine: true))?.ToLowerInvariant(),
            VendorStatus = NullIfEmpty(PlainText.Clean(draft.VendorStatus, singleLine: true)),
            NeedsHydration = draft.NeedsHydration,
            ReceivedAt = receivedAt,
            Warnings = warnings,
        };
        var eventId = NullIfEmpty(PlainText.Clean(draft.EventId, singleLine: true));
        return ticket with { DeliveryId = eventId is { Length: <= MaxIdLength } ? eventId : "rev:" + RevisionHash(ticket, draft) };
    }

    /// <summary>
    /// For vendors without an event id: the same ticket revision (same content, same update time) gives the same
    /// hash, so a retried delivery is recognised while a real edit is not mistaken for one.
    /// </summary>
    public static string RevisionHash(TicketReceived ticket, TicketDraft draft)
    {
        var canonical = string.Join('\u001F', ticket.Source, ticket.ExternalId, ticket.EventKind, draft.EventId ?? "",
            draft.UpdatedAt?.GetRawText() ?? "", ticket.Subject, ticket.Body, ticket.VendorStatus ?? "", ticket.Priority ?? "",
            string.Join(',', ticket.Tags));
        return Convert.ToHexStringLower(Signatures.Sha256(Encoding.UTF8.GetBytes(canonical)))[..32];
    }

    private static DateTimeOffset? Date(JsonElement? value, string what, List<string> warnings)
    {
        if (value is not { } v)
            return null;
        var parsed = Dates.Parse(v);
        if (parsed is null)
            warnings.Add($"{what} date not understood; ignored");
        return parsed;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
