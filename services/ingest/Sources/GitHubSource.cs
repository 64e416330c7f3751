using Agents.Ingest.Requests;
using System.Security.Cryptography;
using System.Text.Json;
using Agents.Ingest.Normalization;
using Agents.Ingest.Verification;

namespace Agents.Ingest.Sources;

/// <summary>
/// GitHub issue webhooks, signed <c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>. The
/// <c>issues</c> and <c>issue_comment</c> events make tickets (id <c>owner/repo#number</c>); <c>ping</c> and every
/// other event are acknowledged with 200 and not published. The delivery id is <c>X-GitHub-Delivery</c>, which a
/// redelivery keeps.
/// </summary>
public sealed class GitHubSource : IWebhookSource
{
    public string Name => "github";

    public string? Verify(WebhookRequest request, VerificationContext context) =>
        BodySignature.Verify(request, context, "x-hub-signature-256", HashAlgorithmName.SHA256);

    public SourceResult Read(WebhookRequest request, PayloadReader payload)
    {
        var evt = request.Header("x-github-event")
            ?? (payload.At("zen") is not null ? "ping" : payload.At("comment") is not null ? "issue_comment" : payload.At("issue") is not null ? "issues" : "unknown");
        if (evt == "ping")
            return SourceResult.Ignored("pong: GitHub ping received; nothing published");
        if (evt is not ("issues" or "issue_comment"))
            return SourceResult.Ignored($"GitHub event '{evt}' is not about an issue; nothing published");
        if (payload.At("issue") is not { ValueKind: JsonValueKind.Object } issueElement)
            return SourceResult.NoTicket($"{evt} event carries no issue");

        var issue = payload.For(issueElement);
        var repository = payload.Text("repository", "full_name");
        var number = issue.Text("number");
        var comment = evt == "issue_comment" && payload.At("comment") is { ValueKind: JsonValueKind.Object } c ? payload.For(c) : null;
        var action = payload.Text("action");
        return SourceResult.Tickets(new TicketDraft
        {
            ExternalId = number is null ? null : repository is null ? number : $"{repository}#{number}",
            EventKind = action is null ? evt : $"{evt}.{action}",
            EventId = request.Header("x-github-delivery"),
            Subject = issue.Text("title"),
            Body = comment?.Text("body") ?? issue.Text("body"),
            BodyIsHtml = false,
            RequesterName = (comment ?? issue).Text("user", "login"),
            VendorStatus = issue.Text("state"),
            Tags = issue.List(["labels"], nameField: "name"),
            CreatedAt = issue.At("created_at"),
            UpdatedAt = comment?.At("updated_at") ?? issue.At("updated_at"),
            Warnings = payload.Warnings,
        });
    }
}
