using Agents.Contracts;

namespace Agents.Writer.Sagas;

/// <summary>How a proposal for an existing write relates to it.</summary>
public enum ProposalRelation
{
    /// <summary>The content the write holds: a duplicate, whatever the ticket version.</summary>
    SameContent,

    /// <summary>Other content, from a ticket version older than the write's: a late event, never applied over the newer one.</summary>
    Older,

    /// <summary>Other content, from a newer ticket version.</summary>
    Newer,

    /// <summary>Other content, versions equal or unknown: no order to go by.</summary>
    Unordered,
}

/// <summary>Ticket versions (the vendor's update time) compared the way the saga needs; an unknown version is never newer.</summary>
public static class ProposalVersion
{
    public static ProposalRelation Of(WriteApprovalState saga, ProposeWrite proposal)
    {
        if (WriteContent.Hash(proposal) == saga.ContentHash)
            return ProposalRelation.SameContent;
        if (IsOlder(proposal.TicketUpdatedAt, saga.TicketUpdatedAt))
            return ProposalRelation.Older;
        return IsNewer(proposal.TicketUpdatedAt, saga.TicketUpdatedAt) ? ProposalRelation.Newer : ProposalRelation.Unordered;
    }

    /// <summary>Known, and later than <paramref name="than"/> (or <paramref name="than"/> unknown: a write from before versions).</summary>
    public static bool IsNewer(DateTimeOffset? candidate, DateTimeOffset? than) => candidate is { } c && (than is not { } t || c > t);

    public static bool IsOlder(DateTimeOffset? candidate, DateTimeOffset? than) => candidate is { } c && than is { } t && c < t;

    public static DateTimeOffset? Newest(DateTimeOffset? a, DateTimeOffset? b) => IsNewer(a, b) ? a : b;
}
