using System.Text.RegularExpressions;
using Agents.Harness;
using Agents.Harness.Load;
using Agents.Launcher;
using Agents.Webhooks;

namespace Agents.Faults.Tests;

/// <summary>
/// What a team pays in logs per ticket at the log levels we ship: the three services as separate processes with their
/// own appsettings (no log level overridden), 200 tickets from webhook to write held, and the bytes all instances'
/// logs grew by while they went through. Each ticket's outcome is logged once per service; everything else per ticket
/// is Debug. (At a million tickets a day, 9 KB of log per ticket, as the classifier's SQL logging once cost, is 9 GB.)
/// </summary>
[TestFixture, NonParallelizable]
public sealed class ShippedLogVolumeTests
{
    private const int Tickets = 200;
    private const int MaxBytesPerTicket = 500;

    [Test]
    public async Task Shipped_log_levels_write_one_outcome_line_per_ticket_per_service_and_at_most_500_bytes()
    {
        await using var servers = await IsolatedServers.CreateAsync();
        var database = servers.Database;
        var logs = Path.Combine(Path.GetTempPath(), "agents-log-volume", servers.Broker.VirtualHost);
        var settings = new SystemSettings
        {
            Broker = servers.Broker.Settings,
            ConnectionString = database.ConnectionString,
            LogLevel = null, // the point: appsettings.json of each service decides
            BulkGuardOff = true, // 400 proposals within seconds would fill a bulk-review batch instead of the policy
            IngestExtras = new Dictionary<string, string?> { ["Ingest:RateLimit:PermitsPerSecond"] = "100000" },
            ClassifierExtras = new Dictionary<string, string?> { ["Classifier:EscalationThreshold"] = "0" },
        };
        await using var launcher = await SystemLauncher.StartAsync(settings.LaunchOptions(1, 1, 1, logs));
        var before = launcher.Instances.ToDictionary(i => i.Kind, i => new FileInfo(i.LogPath).Length);

        var sender = CrmWebhooks.Sender(launcher.Of(ServiceKind.Ingest).Select(i => i.BaseUrl).ToList(), concurrency: 8, maxAttempts: 1);
        var results = await sender.SendAsync(TicketDeliveries.Create("logv", Tickets, urgentEvery: 0, duplicateShare: 0), CancellationToken.None);
        Assert.That(results.Count(r => r.Accepted), Is.EqualTo(Tickets), "every webhook accepted");

        // Done when every ticket's writes are held and nothing more arrives for 2 s (each ticket proposes 3 writes: priority, tags, the drafted note).
        long held = 0, last = -1;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while ((held < Tickets || held != last) && DateTime.UtcNow < deadline)
        {
            last = held;
            await Task.Delay(TimeSpan.FromSeconds(2));
            held = await database.ScalarAsync<long>("""SELECT count(DISTINCT "ExternalId") FROM write_approvals WHERE "CurrentState" = 'AwaitingApproval'""");
        }
        Assert.That(held, Is.EqualTo(Tickets), "every ticket reached the writer");
        var writes = await database.ScalarAsync<long>("SELECT count(*) FROM write_approvals");

        var grown = launcher.Instances.ToDictionary(i => i.Kind, i => LogSince(i.LogPath, before[i.Kind]));
        var bytes = grown.Values.Sum(text => (long)System.Text.Encoding.UTF8.GetByteCount(text));
        var perService = string.Join(", ", grown.Select(g => $"{g.Key} {System.Text.Encoding.UTF8.GetByteCount(g.Value) / (double)Tickets:0} B"));
        TestContext.Progress.WriteLine($"log per ticket: {bytes / (double)Tickets:0} B ({perService}); logs in {logs}");

        Assert.Multiple(() =>
        {
            Assert.That(bytes / (double)Tickets, Is.LessThanOrEqualTo(MaxBytesPerTicket),
                $"bytes of log per ticket across services ({perService}); first lines:\n{Head(grown)}");
            foreach (var (kind, text) in grown)
            {
                // Each ticket named in the service's log as often as it has outcomes there: once in ingest and the
                // classifier, once per write held in the writer.
                var perTicket = Regex.Matches(text, @"\blogv-(\d+)\b").GroupBy(m => m.Groups[1].Value).ToDictionary(g => g.Key, g => g.Count());
                Assert.That(perTicket, Has.Count.EqualTo(Tickets), $"{kind}: every ticket's outcome logged");
                if (kind == ServiceKind.Writer)
                    Assert.That(perTicket.Values.Sum(), Is.EqualTo(writes), "writer: each write's outcome logged once");
                else
                    Assert.That(perTicket.Values.Distinct(), Is.EqualTo(new[] { 1 }), $"{kind}: each ticket's outcome logged once");
            }
        });
    }

    private static string LogSince(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string Head(Dictionary<ServiceKind, string> grown) => string.Join("\n",
        grown.Select(g => $"[{g.Key}]\n" + string.Join("\n", g.Value.Split('\n').Take(12))));
}
