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
    public void A_kind_without_a_mode_starts_in_shadow_and_a_typo_is_rejected()
    {
        Assert.That(WritePolicy.Parse("""{ "permissions": { "write:add-tags": { "allowed": true } } }""")
            .Evaluate("add-tags", 1).Verdict, Is.EqualTo(PolicyVerdict.Shadowed));
        Assert.That(WritePolicy.Parse("""{ "permissions": { "write:add-tags": { "allowed": true, "requires_approval": true } } }""")
            .Evaluate("add-tags", 1).Verdict, Is.EqualTo(PolicyVerdict.NeedsApproval), "the older spelling keeps its meaning");
        var graduated = WritePolicy.Parse("permissions:\n  write:add-tags: { allowed: true, mode: auto, auto_approve_min_confidence: 0.8 }\n");
        Assert.That(graduated.Evaluate("add-tags", 0.79).Verdict, Is.EqualTo(PolicyVerdict.Shadowed), "auto below its floor stays in shadow");
        Assert.That(graduated.Evaluate("add-tags", 0.8).Verdict, Is.EqualTo(PolicyVerdict.AutoApproved), "from its floor up");
        var wrongMode = Assert.Throws<Agents.Crm.Policy.PolicyFileException>(() =>
            WritePolicy.Parse("permissions:\n  write:add-tags: { allowed: true, mode: shadows }\n"));
        Assert.That(wrongMode!.Message, Does.Contain("line 2").And.Contain("shadow, approve or auto"));
        Assert.Throws<Agents.Crm.Policy.PolicyFileException>(() =>
            WritePolicy.Parse("permissions:\n  write:add-tags: { allowed: true, mode: shadow, requires_approval: false }\n"));
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
