namespace Agents.Crm.Reading;

/// <summary>A ticket as its CRM holds it: what the classifier needs when the webhook carried ids only.</summary>
public sealed record CrmTicket(string Id, string Subject, string Description, IReadOnlyList<CrmComment> LatestComments, string? RequesterId);

/// <summary>One comment (note, conversation, reply), newest first in <see cref="CrmTicket.LatestComments"/>.</summary>
public sealed record CrmComment(string Text, DateTimeOffset? At, bool Public);

/// <summary>Another ticket of the same requester: enough to say "this customer wrote before", no text.</summary>
public sealed record CrmTicketSummary(string Id, string Subject, string? Status, DateTimeOffset? UpdatedAt);
