using Agents.Contracts;

namespace Agents.Writer.Crm;

/// <summary>
/// Notes on HubSpot: a note engagement on the ticket's timeline, after reading the ticket's newest notes for one that
/// already says the same (<see cref="TextWrite"/>). A public reply is not applied here: HubSpot's CRM API logs emails,
/// it does not send them, so a post-reply to a HubSpot ticket is refused when proposed rather than pretending it
/// reached the customer.
/// </summary>
public sealed partial class HubSpotCrmAdapter
{
    private async Task ApplyNoteAsync(ApplyWrite write, CancellationToken cancellationToken)
    {
        var text = TextWrite.Body(write);
        if (!await HasNoteAsync(write, body => TextWrite.IsSame(body, text), cancellationToken))
            await AddNoteAsync(write, TextWrite.Html(text), cancellationToken);
    }
}
