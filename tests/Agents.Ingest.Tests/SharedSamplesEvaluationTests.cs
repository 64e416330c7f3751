using Agents.Harness;
using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>
/// Evaluation against the real vendor deliveries in ../shared/data/webhooks/ (read in place, never copied): every
/// one parses. Runs when the folder exists; otherwise the project's own fixtures cover the formats.
/// </summary>
[TestFixture]
public class SharedSamplesEvaluationTests
{
    public static IEnumerable<TestCaseData> Samples()
    {
        var folder = RepositoryPaths.SharedData is { } data ? Path.Combine(data, "webhooks") : null;
        if (folder is null || !Directory.Exists(folder))
            yield break;
        foreach (var file in Directory.GetFiles(folder, "*.json").Where(f => !f.EndsWith("_test_vectors.json", StringComparison.Ordinal)).Order())
            yield return new TestCaseData(file).SetName(Path.GetFileNameWithoutExtension(file));
    }

    [Test]
    public void The_shared_data_folder_is_read_when_present()
    {
        if (RepositoryPaths.SharedData is null)
            Assert.Ignore("../shared/data is not present; the evaluation has nothing to read.");
        Assert.That(Samples().Count(), Is.GreaterThanOrEqualTo(10));
    }

    [TestCaseSource(nameof(Samples))]
    public void Every_real_delivery_parses(string file)
    {
        var source = Fixtures.SourceOf(file);
        var headers = new Dictionary<string, string>();
        var outcome = Deliveries.Parse(source, File.ReadAllText(file), headers);
        if (Path.GetFileName(file) == "github_ping.json")
        {
            Assert.That((outcome.Status, outcome.Tickets.Count), Is.EqualTo((200, 0)), outcome.Reason);
            return;
        }
        Assert.That(outcome.Status, Is.EqualTo(202), outcome.Reason);
        foreach (var ticket in outcome.Tickets)
        {
            Assert.That(ticket.ExternalId, Is.Not.Empty);
            Assert.That(ticket.DeliveryId, Is.Not.Empty);
            Assert.That(ticket.Body, Does.Not.Contain("<div>").And.Not.Contain("<p>"));
            TestContext.Out.WriteLine($"{source} {ticket.ExternalId} {ticket.EventKind} subject='{ticket.Subject}' created={ticket.CreatedAt:O} warnings=[{string.Join("; ", ticket.Warnings)}]");
        }
    }
}
