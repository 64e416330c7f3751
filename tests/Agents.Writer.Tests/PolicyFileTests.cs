using Agents.Writer.Policy;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>The permissions file: format, default and verdicts (no servers needed).</summary>
[TestFixture]
public class PolicyFileTests
{
    [Test]
    public void Example_policy_gives_each_kind_its_verdict()
    {
        var policy = WritePolicy.Parse(Policies.Example);
        Assert.Multiple(() =>
        {
            Assert.That(policy.Evaluate("set-priority", 0.99).Verdict, Is.EqualTo(PolicyVerdict.NeedsApproval));
            Assert.That(policy.Evaluate("add-tags", 0.95).Verdict, Is.EqualTo(PolicyVerdict.AutoApproved));
            Assert.That(policy.Evaluate("add-tags", 0.94).Verdict, Is.EqualTo(PolicyVerdict.NeedsApproval));
            Assert.That(policy.Evaluate("add-tags", null).Verdict, Is.EqualTo(PolicyVerdict.NeedsApproval));
            Assert.That(policy.Evaluate("set-category", 1).Verdict, Is.EqualTo(PolicyVerdict.Refused));
            Assert.That(policy.Evaluate("delete-customer", 1).Verdict, Is.EqualTo(PolicyVerdict.Refused), "a kind the file does not name");
        });
    }

    [Test]
    public void Shipped_default_requires_approval_for_every_write_kind_but_handing_a_ticket_to_a_person()
    {
        var policy = WritePolicy.Parse(Policies.Shipped);
        foreach (var kind in Agents.Contracts.WriteKinds.All.Except([Agents.Contracts.WriteKinds.Escalate]))
            Assert.That(policy.Evaluate(kind, 1.0).Verdict, Is.EqualTo(PolicyVerdict.NeedsApproval), kind);
        // Routing a ticket to a person is itself the safe action: it waits for nobody, whatever the confidence.
        Assert.That(policy.Evaluate(Agents.Contracts.WriteKinds.Escalate, 0).Verdict, Is.EqualTo(PolicyVerdict.AutoApproved));
    }

    [Test]
    public void Requires_approval_absent_means_approval_and_a_typo_is_rejected()
    {
        Assert.That(WritePolicy.Parse("""{ "permissions": { "write:add-tags": { "allowed": true } } }""")
            .Evaluate("add-tags", 1).Verdict, Is.EqualTo(PolicyVerdict.NeedsApproval));
        Assert.Throws<Agents.Crm.Policy.PolicyFileException>(() =>
            WritePolicy.Parse("""{ "permissions": { "write:add-tags": { "allowed": true, "requires_aproval": false } } }"""));
        Assert.Throws<Agents.Crm.Policy.PolicyFileException>(() =>
            WritePolicy.Parse("""{ "permissions": { "write:add-tags": { "allowed": true, "auto_approve_min_confidence": 1.5 } } }"""));
    }

    [Test]
    public void Missing_policy_file_stops_the_writer()
    {
        var e = Assert.Throws<InvalidOperationException>(() => WritePolicy.Load("/nonexistent/policy.yaml"));
        Assert.That(e!.Message, Does.Contain("does not exist"));
    }
}
