using Agents.Contracts;

namespace Agents.Writer.Crm;

/// <summary>
/// Replies and notes on Zendesk: a ticket update with <c>comment</c> (<c>public</c> true for a reply, false for an
/// internal note), after reading the newest comments for one that already says the same (<see cref="TextWrite"/>).
/// </summary>
public sealed partial class ZendeskCrmAdapter
{
    private async Task ApplyTextAsync(ApplyWrite write, CancellationToken cancellationToken)
    {
        var text = TextWrite.Body(write);
        if (await HasCommentAsync(write, body => TextWrite.IsSame(body, text), cancellationToken))
            return;
        await PutAsync(write, new { comment = new { body = text, @public = write.Kind == WriteKinds.PostReply } }, cancellationToken);
    }
}
