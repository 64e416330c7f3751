using Agents.Crm.Policy;
using Agents.Writer.Policy;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>The permissions file in YAML: the shipped one, the JSON of before, and every strictness error naming its line.</summary>
[TestFixture]
public class PolicyYamlTests
{
    [Test]
    public void Shipped_file_keeps_the_reader_read_only_and_every_write_but_escalate_behind_approval()
    {
        var policy = AgentPolicy.Load(Path.Combine(AppContext.BaseDirectory, "policy.yaml"));
        Assert.Multiple(() =>
        {
            Assert.That(policy.Reads.Keys, Is.EquivalentTo(ReadPermissions.All));
            Assert.That(policy.MayRead(ReadPermissions.Tickets), Is.True);
            Assert.That(policy.Writes.Keys, Is.EquivalentTo(Agents.Contracts.WriteKinds.All.Select(k => "write:" + k)));
            const string escalate = "write:" + Agents.Contracts.WriteKinds.Escalate;
            Assert.That(policy.Writes.Where(w => w.Key != escalate).Select(w => (w.Value.Allowed, w.Value.RequiresApproval, w.Value.AutoApproveMinConfidence)),
                Is.All.EqualTo((true, true, (double?)null)));
            // Handing a ticket to a person is the safe action itself: as main's policy.json shipped it, it waits for nobody.
            Assert.That((policy.Writes[escalate].Allowed, policy.Writes[escalate].RequiresApproval), Is.EqualTo((true, false)));
        });
    }

    [Test]
    public void The_JSON_of_before_is_still_read()
    {
        var policy = WritePolicy.Parse(Policies.Example);
        Assert.That(policy.Evaluate("add-tags", 0.96).Verdict, Is.EqualTo(PolicyVerdict.AutoApproved));
        Assert.That(AgentPolicy.Parse(Policies.Example).MayRead(ReadPermissions.Tickets), Is.True);
    }

    private const string Valid = """
        agents:
          reader:
            permissions:
              read:tickets: { allowed: true }
          writer:
            permissions:
              write:add-tags:
                allowed: true
                requires_approval: false
        """;

    public static IEnumerable<TestCaseData> Mistakes()
    {
        yield return Case("a misspelt field", Valid.Replace("requires_approval", "requires_aproval"), 9, "unknown key 'requires_aproval'");
        yield return Case("a misspelt permission", Valid.Replace("write:add-tags", "write:add-tag"), 7, "unknown permission 'write:add-tag'");
        yield return Case("an unknown agent", Valid.Replace("reader:", "reeder:"), 2, "unknown key 'reeder'");
        yield return Case("yes for true", Valid.Replace("requires_approval: false", "requires_approval: no"), 9, "must be true or false, not 'no'");
        yield return Case("a quoted true", Valid.Replace("{ allowed: true }", "{ allowed: \"true\" }"), 4, "must be true or false");
        yield return Case("a confidence above 1", Valid.Replace("requires_approval: false", "auto_approve_min_confidence: 1.5"), 9, "from 0 to 1");
        yield return Case("a kind given twice", Valid + "\n      write:add-tags: { allowed: false }", 10, "given twice");
        yield return Case("both shapes at once", Valid + "\npermissions: {}", 10, "not both");
        yield return Case("a write in the read-only agent", Valid.Replace("read:tickets: { allowed: true }", "write:set-priority: { allowed: true }"), 4, "read-only");
        yield return Case("a permission without allowed", Valid.Replace("{ allowed: true }", "{ }"), 4, "does not say allowed");
        yield return Case("approval on a read", Valid.Replace("{ allowed: true }", "{ allowed: true, requires_approval: false }"), 4, "unknown key 'requires_approval'");
        yield return Case("a JSON typo", """
            { "permissions": {
                "write:add-tags": { "allowed": true, "requires_aproval": false } } }
            """, 2, "unknown key 'requires_aproval'");
        yield return Case("a JSON kind given twice", """
            { "permissions": {
                "write:add-tags": { "allowed": true },
                "write:add-tags": { "allowed": false } } }
            """, 3, "given twice");
    }

    private static TestCaseData Case(string name, string text, int line, string says) =>
        new TestCaseData(text, line, says).SetArgDisplayNames(name);

    [TestCaseSource(nameof(Mistakes))]
    public void A_mistake_stops_the_service_and_names_its_line(string text, int line, string says)
    {
        var e = Assert.Throws<PolicyFileException>(() => AgentPolicy.Parse(text));
        Assert.That(e!.Line, Is.EqualTo(line), e.Message);
        Assert.That(e.Message, Does.StartWith($"line {line}: ").And.Contain(says));
    }

    [Test]
    public void Load_names_the_file_and_the_line()
    {
        var path = Policies.WriteToTempFile(Valid.Replace("write:add-tags", "write:add-tag"));
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => AgentPolicy.Load(path));
            Assert.That(e!.Message, Does.Contain(path).And.Contain("line 7"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
