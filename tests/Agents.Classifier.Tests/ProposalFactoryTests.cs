using Agents.Contracts;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

/// <summary>What the classifier tells the writer about each proposal beside the change: the ticket version and the records touched.</summary>
public class ProposalFactoryTests
{
    [Test]
    public void Each_proposal_carries_the_ticket_version_it_came_from_and_counts_the_one_ticket_it_writes()
    {
        var updated = new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.Zero);
        var ticket = new TicketReceived
        {
            Source = "zendesk", ExternalId = "42", EventKind = "ticket.updated", DeliveryId = "d-42",
            UpdatedAt = updated, Priority = "low", Tags = ["web"],
        };
        var classification = new Classification
        {
            Category = "Billing and Payments", Priority = "high", Sentiment = "negative", Language = "en",
            Confidence = 0.9, Tags = ["refund"], ClassifiedBy = "rules",
        };

        var proposals = ProposalFactory.For(ticket, classification, "Invoice", "Charged twice");

        Assert.That(proposals.Select(p => p.Kind), Is.EqualTo(new[] { WriteKinds.SetPriority, WriteKinds.AddTags }));
        Assert.That(proposals.Select(p => p.TicketUpdatedAt), Is.All.EqualTo(updated), "the version a decided write compares a newer proposal with");
        Assert.That(proposals.Select(p => p.RecordCount), Is.All.EqualTo(1), "each writes fields of the one ticket");
    }
}
