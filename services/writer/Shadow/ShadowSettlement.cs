using Agents.Contracts;
using Agents.ServiceDefaults.Shadow;

namespace Agents.Writer.Shadow;

/// <summary>
/// What people did with a shadowed proposal's field, from the changes the CRM reported after the ticket version the
/// agent saw (our own writes' echoes left out), and whether that settles it now.
/// </summary>
public static class ShadowSettlement
{
    /// <summary>People's value and who set it last, or null when nobody changed the field.</summary>
    public static (string Value, string? Actor)? PeopleValue(string field, IEnumerable<TicketChange> humanChanges)
    {
        // Ordered by the vendor's time, not by arrival: an update delivered late does not overwrite a newer one.
        var ordered = humanChanges.OrderBy(c => c.ChangedAt).ThenBy(c => c.Id).ToList();
        if (ordered.Count == 0)
            return null;
        var last = ordered[^1];
        if (field != TicketFields.Tags)
            return (last.To ?? "", last.ChangedBy);
        var added = new HashSet<string>(StringComparer.Ordinal);
        foreach (var change in ordered)
        {
            added.UnionWith(ShadowValues.SplitTags(change.To));
            added.ExceptWith(ShadowValues.SplitTags(change.From));
        }
        return (string.Join(',', added.Order(StringComparer.Ordinal)), last.ChangedBy);
    }

    /// <summary>
    /// Settles the proposal when it is time: <see cref="ShadowOptions.SettleAfterChange"/> after the last human change
    /// arrived, or <see cref="ShadowOptions.QuietPeriod"/> after the proposal when nobody acted. False: not yet.
    /// </summary>
    public static bool TrySettle(ShadowProposal proposal, IReadOnlyCollection<TicketChange> humanChanges, ShadowOptions options, DateTimeOffset now)
    {
        if (humanChanges.Count == 0)
        {
            if (now < proposal.ProposedAt + options.QuietPeriod)
                return false;
            proposal.Outcome = nameof(ShadowOutcome.NoHumanAction);
        }
        else
        {
            if (now < humanChanges.Max(c => c.ReceivedAt) + options.SettleAfterChange)
                return false;
            var (value, actor) = PeopleValue(proposal.Field, humanChanges)!.Value;
            proposal.PeopleValue = value;
            proposal.PeopleActor = actor;
            proposal.Outcome = ShadowValues.Outcome(proposal.Field, proposal.AgentValue, value).ToString();
        }
        proposal.SettledAt = now;
        return true;
    }
}
