using System.Collections.Concurrent;
using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>
/// The generated bad-input corpus against a real ingest (real broker, real database), concurrently: only the
/// documented answers, no 5xx, nothing logged as an error, and every refused body of a verified delivery in quarantine.
/// </summary>
[TestFixture]
public class BadInputCorpusTests
{
    [Test]
    public async Task Every_bad_input_gets_a_documented_answer_and_every_refused_verified_body_is_quarantined()
    {
        var corpus = BadInputCorpus.Generate();
        Assert.That(corpus, Has.Count.GreaterThanOrEqualTo(500));
        // Refusals are logged as warnings by design; only errors matter here (and keep the output readable).
        await using var host = await IngestHost.StartAsync(new Dictionary<string, string?> { ["Logging:LogLevel:Agents"] = "Error" });

        var answers = new ConcurrentBag<(BadCase Case, int Status, string Body)>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await Parallel.ForEachAsync(corpus, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = deadline.Token }, async (c, ct) =>
        {
            using var request = c.Build(host.Service.Address);
            using var response = await host.Client.SendAsync(request, ct);
            answers.Add((c, (int)response.StatusCode, await response.Content.ReadAsStringAsync(ct)));
        });

        var wrong = answers.Where(a => !a.Case.Allowed.Contains(a.Status))
            .Select(a => $"{a.Case.Name}: {a.Status} (allowed {string.Join("/", a.Case.Allowed)}) {a.Body[..Math.Min(200, a.Body.Length)]}").ToList();
        Assert.That(wrong, Is.Empty, "answers outside what the case allows");
        Assert.That(answers.Count(a => a.Status >= 500), Is.Zero);
        Assert.That(host.Errors.Entries, Is.Empty, "errors or exceptions logged by the service");

        // Refused after the signature was verified: kept for an operator. Refused before (401, 413): never kept.
        var refused = answers.Count(a => a.Status is 400 or 415 or 422 or 429);
        var quarantined = await host.CountAsync("SELECT count(*) FROM ingest_quarantine");
        Assert.That(quarantined, Is.EqualTo(refused), "every refused body of a verified delivery is in quarantine");
        Assert.That(await host.CountAsync("SELECT count(*) FROM ingest_quarantine WHERE \"StatusCode\" IN (401, 413)"), Is.Zero);
        Assert.That(await host.CountAsync("SELECT count(*) FROM ingest_unverified"), Is.LessThanOrEqualTo(answers.Count(a => a.Status is 401 or 413)),
            "only a sample of the unverified ones");
        Assert.That(answers.Count(a => a.Case.Name.StartsWith("replayed", StringComparison.Ordinal) && a.Status == 202), Is.EqualTo(1),
            "a replayed id is accepted once, even with its copies racing in at the same time");
        TestContext.Out.WriteLine(string.Join(", ", answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}")));
    }
}
