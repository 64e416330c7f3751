using System.Text.Json;
using Agents.Contracts;
using Agents.Crm.Vendors;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Crm;

/// <summary>
/// Freshdesk API v2: <c>PUT /api/v2/tickets/{id}</c> with the ticket's fields, Basic auth with the API key as user
/// name and <c>X</c> as password (set on the HttpClient). Priority is a number (1 low, 2 medium, 3 high, 4 urgent)
/// and category a custom field, both absolute values; <c>tags</c> replaces the ticket's tags, so add-tags reads them
/// first and writes the union (<see cref="TagUnion"/>). Freshdesk documents no idempotency key. An escalation is a
/// private note (<c>POST /api/v2/tickets/{id}/notes</c>) unless the ticket's conversations already hold this write's
/// (<see cref="EscalationNote"/>), then the group <c>Crm:Freshdesk:EscalationGroupId</c> when set.
/// </summary>
public sealed partial class FreshdeskCrmAdapter(IHttpClientFactory http, IOptions<FreshdeskOptions> options) : HttpCrmAdapter(http)
{
    private static readonly Dictionary<string, int> Priorities = new()
    {
        ["low"] = 1, ["medium"] = 2, ["normal"] = 2, ["high"] = 3, ["urgent"] = 4,
    };

    public override string Name => "freshdesk";

    public override IReadOnlySet<string> Sources { get; } = new HashSet<string> { "freshdesk" };

    protected override IReadOnlySet<string> Kinds { get; } = new HashSet<string>
        { WriteKinds.SetPriority, WriteKinds.AddTags, WriteKinds.SetCategory, WriteKinds.PostReply, WriteKinds.AddNote, WriteKinds.Escalate };

    public override string? MissingSettings => options.Value.MissingSettings;

    public override string? CannotApply(string kind, string externalId)
    {
        if (base.CannotApply(kind, externalId) is { } why)
            return why;
        if (externalId.Length == 0 || !externalId.All(char.IsAsciiDigit))
            return $"'{externalId}' is not a Freshdesk ticket id (a number)";
        return kind == WriteKinds.SetCategory && string.IsNullOrWhiteSpace(options.Value.CategoryField)
            ? "Crm:Freshdesk:CategoryField (the custom field for the category) is not set"
            : null;
    }

    public override async Task ApplyAsync(ApplyWrite write, CancellationToken cancellationToken)
    {
        var path = $"api/v2/tickets/{Uri.EscapeDataString(write.ExternalId)}";
        switch (write.Kind)
        {
            case WriteKinds.SetPriority:
                await PutAsync(path, new { priority = Priority(write, Priorities) }, cancellationToken);
                break;
            case WriteKinds.SetCategory:
                await PutAsync(path, new { custom_fields = new Dictionary<string, string> { [options.Value.CategoryField!] = Change(write, "category") } }, cancellationToken);
                break;
            case WriteKinds.AddTags:
                await TagUnion.AddAsync(Name, Tags(write),
                    async ct => CurrentTags(await GetAsync(path, ct)),
                    (tags, ct) => PutAsync(path, new { tags }, ct),
                    cancellationToken);
                break;
            case WriteKinds.PostReply or WriteKinds.AddNote:
                await ApplyTextAsync(path, write, cancellationToken);
                break;
            case WriteKinds.Escalate:
                if (!await HasConversationAsync(path, body => EscalationNote.IsFrom(write, body), cancellationToken))
                {
                    using var note = new HttpRequestMessage(HttpMethod.Post, $"{path}/notes")
                    {
                        Content = Json(new { body = EscalationNote.Html(write), @private = true }),
                    };
                    await SendAsync(note, cancellationToken);
                }
                if (options.Value.EscalationGroupId is { } group)
                    await PutAsync(path, new { group_id = group }, cancellationToken);
                break;
            default:
                throw Unsupported(write, Name);
        }
    }

    private async Task PutAsync(string path, object ticket, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = Json(ticket) };
        await SendAsync(request, cancellationToken);
    }

    /// <summary>The ticket's conversations (oldest first, every page up to a bound) include one that <paramref name="says"/> what this write would.</summary>
    private Task<bool> HasConversationAsync(string path, Func<string?, bool> says, CancellationToken cancellationToken) =>
        AnyOnPagesAsync($"{path}/conversations", c => new[] { "body_text", "body" }.Any(field =>
            c.TryGetProperty(field, out var text) && text.ValueKind == JsonValueKind.String && says(text.GetString())), cancellationToken);

    private static IReadOnlyList<string> CurrentTags(string ticket)
    {
        using var json = JsonDocument.Parse(ticket);
        return json.RootElement.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
            ? tags.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToList()
            : [];
    }
}
