using Agents.Contracts;

namespace Agents.Writer.Crm;

/// <summary>
/// Replies and notes on Freshdesk: <c>POST /api/v2/tickets/{id}/reply</c> (to the requester) or <c>…/notes</c> with
/// <c>private: true</c>, both HTML, after reading the ticket's conversations for one that already says the same
/// (<see cref="TextWrite"/>).
/// </summary>
public sealed partial class FreshdeskCrmAdapter
{
    private async Task ApplyTextAsync(string path, ApplyWrite write, CancellationToken cancellationToken)
    {
        var text = TextWrite.Body(write);
        if (await HasConversationAsync(path, body => TextWrite.IsSame(body, text), cancellationToken))
            return;
        using var request = write.Kind == WriteKinds.PostReply
            ? new HttpRequestMessage(HttpMethod.Post, $"{path}/reply") { Content = Json(new { body = TextWrite.Html(text) }) }
            : new HttpRequestMessage(HttpMethod.Post, $"{path}/notes") { Content = Json(new { body = TextWrite.Html(text), @private = true }) };
        await SendAsync(request, cancellationToken);
    }
}
