using System.Text.Json;
using Agents.Contracts;
using Agents.Crm.Vendors;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Crm;

/// <summary>
/// Zendesk Support: <c>PUT /api/v2/tickets/{id}.json</c> with <c>{"ticket":{…}}</c>, Basic auth
/// <c>{email}/token:{api_token}</c> (set on the HttpClient). Every update sets absolute values, and tags go through
/// <c>additional_tags</c> (adds without removing), so applying the same write twice leaves the ticket the same.
/// Zendesk documents an <c>Idempotency-Key</c> header; we send our key and the write's generation (hashed when longer
/// than its 255 characters). An escalation is an internal note (a private comment) with the reason, the tag
/// <c>Crm:Zendesk:EscalationTag</c> and, when set, the group <c>Crm:Zendesk:EscalationGroupId</c>, in one update; the
/// newest comments are read first, so a note this write left before is not added again (<see cref="EscalationNote"/>).
/// </summary>
public sealed partial class ZendeskCrmAdapter(IHttpClientFactory http, IOptions<ZendeskOptions> options) : HttpCrmAdapter(http)
{
    private static readonly Dictionary<string, string> Priorities = new()
    {
        ["low"] = "low", ["medium"] = "normal", ["normal"] = "normal", ["high"] = "high", ["urgent"] = "urgent",
    };

    public override string Name => "zendesk";

    public override IReadOnlySet<string> Sources { get; } = new HashSet<string> { "zendesk" };

    protected override IReadOnlySet<string> Kinds { get; } = new HashSet<string>
        { WriteKinds.SetPriority, WriteKinds.AddTags, WriteKinds.SetCategory, WriteKinds.PostReply, WriteKinds.AddNote, WriteKinds.Escalate };

    public override string? MissingSettings => options.Value.MissingSettings;

    public override string? CannotApply(string kind, string externalId)
    {
        if (base.CannotApply(kind, externalId) is { } why)
            return why;
        if (!externalId.All(char.IsAsciiDigit) || externalId.Length == 0)
            return $"'{externalId}' is not a Zendesk ticket id (a number)";
        return kind == WriteKinds.SetCategory && options.Value.CategoryFieldId is null
            ? "Crm:Zendesk:CategoryFieldId (the ticket field for the category) is not set"
            : null;
    }

    public override async Task ApplyAsync(ApplyWrite write, CancellationToken cancellationToken)
    {
        if (WriteKinds.Texts.Contains(write.Kind))
        {
            await ApplyTextAsync(write, cancellationToken);
            return;
        }
        if (write.Kind == WriteKinds.Escalate)
        {
            if (await HasCommentAsync(write, body => EscalationNote.IsFrom(write, body), cancellationToken))
                return;
            var escalation = new Dictionary<string, object>
            {
                ["comment"] = new { body = EscalationNote.Text(write), @public = false },
                ["additional_tags"] = new[] { options.Value.EscalationTag },
            };
            if (options.Value.EscalationGroupId is { } group)
                escalation["group_id"] = group;
            await PutAsync(write, escalation, cancellationToken);
            return;
        }
        object ticket = write.Kind switch
        {
            WriteKinds.SetPriority => new { priority = Priority(write, Priorities) },
            WriteKinds.AddTags => new { additional_tags = Tags(write) },
            WriteKinds.SetCategory when options.Value.CategoryFieldId is { } field =>
                new { custom_fields = new[] { new { id = field, value = Change(write, "category") } } },
            _ => throw Unsupported(write, Name),
        };
        await PutAsync(write, ticket, cancellationToken);
    }

    private async Task PutAsync(ApplyWrite write, object ticket, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/v2/tickets/{Uri.EscapeDataString(write.ExternalId)}.json")
        {
            Content = Json(new { ticket }),
        };
        request.Headers.Add("Idempotency-Key", VendorIdempotencyKey.For(write, 255));
        await SendAsync(request, cancellationToken);
    }

    /// <summary>The ticket's newest comments (one page, newest first) include one that <paramref name="says"/> what this write would.</summary>
    private async Task<bool> HasCommentAsync(ApplyWrite write, Func<string?, bool> says, CancellationToken cancellationToken)
    {
        using var json = JsonDocument.Parse(await GetAsync(
            $"api/v2/tickets/{Uri.EscapeDataString(write.ExternalId)}/comments.json?sort_order=desc&per_page=100", cancellationToken));
        return json.RootElement.TryGetProperty("comments", out var comments) && comments.ValueKind == JsonValueKind.Array
            && comments.EnumerateArray().Any(c => new[] { "body", "plain_body", "html_body" }.Any(field =>
                c.TryGetProperty(field, out var text) && text.ValueKind == JsonValueKind.String && says(text.GetString())));
    }
}
