using Agents.Ingest.Requests;
using System.Security.Cryptography;
using System.Text.Json;
using Agents.Ingest.Normalization;
using Agents.Ingest.Verification;

namespace Agents.Ingest.Sources;

/// <summary>
/// Jira Cloud admin webhooks with a secret, signed <c>X-Hub-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>.
/// Issue events (<c>jira:issue_created</c>, <c>jira:issue_updated</c>) and comment events make tickets (the issue
/// key is the ticket id); the delivery id is <c>X-Atlassian-Webhook-Identifier</c>, which Jira keeps for retries.
/// The description and a comment's body are wiki markup (a string, kept as written) or, from Jira Cloud REST v3
/// and newer webhooks, an Atlassian Document Format object, which the normalizer turns into text.
/// </summary>
public sealed class JiraSource : IWebhookSource
{
    public string Name => "jira";

    public string? Verify(WebhookRequest request, VerificationContext context) =>
        BodySignature.Verify(request, context, "x-hub-signature", HashAlgorithmName.SHA256);

    public SourceResult Read(WebhookRequest request, PayloadReader payload)
    {
        var kind = payload.Text("webhookEvent") ?? "jira:issue_updated";
        if (payload.At("issue") is not { ValueKind: JsonValueKind.Object } issueElement)
        {
            return kind.Contains("issue", StringComparison.Ordinal) || kind.StartsWith("comment", StringComparison.Ordinal)
                ? SourceResult.NoTicket($"{kind} carries no issue")
                : SourceResult.Ignored($"Jira event '{kind}' is not about an issue; nothing published");
        }
        var issue = payload.For(issueElement);
        var fields = issue.For(issue.At("fields") ?? default);
        var comment = payload.At("comment") is { ValueKind: JsonValueKind.Object } c ? payload.For(c) : null;
        var (body, document) = Body(comment, fields);
        return SourceResult.Tickets(new TicketDraft
        {
            ExternalId = issue.Text("key") ?? issue.Text("id"),
            EventKind = kind,
            EventId = request.Header("x-atlassian-webhook-identifier"),
            Subject = fields.Text("summary"),
            Body = body,
            BodyIsHtml = false,
            BodyDocument = document,
            RequesterName = fields.Text("reporter", "displayName"),
            RequesterEmail = fields.Text("reporter", "emailAddress"),
            Priority = fields.Text("priority", "name"),
            VendorStatus = fields.Text("status", "name"),
            Tags = fields.List(["labels"]),
            CreatedAt = fields.At("created"),
            UpdatedAt = comment?.At("updated") ?? fields.At("updated"),
            Warnings = payload.Warnings,
        });
    }

    /// <summary>The comment's body, else the issue's description: a document (an object) or wiki markup (text).</summary>
    private static (string? Text, JsonElement? Document) Body(PayloadReader? comment, PayloadReader fields)
    {
        if (comment?.At("body") is { ValueKind: JsonValueKind.Object } commentDocument)
            return (null, commentDocument);
        if (comment?.Text("body") is { } commentText)
            return (commentText, null);
        return fields.At("description") is { ValueKind: JsonValueKind.Object } description
            ? (null, description)
            : (fields.Text("description"), null);
    }
}
