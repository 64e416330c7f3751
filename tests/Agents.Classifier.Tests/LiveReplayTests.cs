using Agents.Contracts;
using Agents.Harness;
using Agents.Ingest;
using Agents.Ingest.Persistence;
using Agents.Replay;
using Agents.ServiceDefaults;
using Agents.Testing;
using Agents.Webhooks;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

/// <summary>
/// The live replay against a real ingest (and the classifier behind it) on their own virtual host and database:
/// the file's tickets arrive and are classified, a second replay is recognised as duplicates, 429 answers are
/// waited out, refusals are reported. The CSV is the test's own.
/// </summary>
public class LiveReplayTests
{
    private const string Csv = """
        subject,body,queue,priority,language
        Invoice charged twice,"My invoice shows a double charge, please refund the second payment.",Billing and Payments,medium,en
        ,"Die Rechnung enthält eine doppelte Abbuchung, bitte um Erstattung.",Billing and Payments,medium,de
        Production down,"Our production is down since this morning, nobody can work.",Technical Support,high,en
        Pedido dañado,"El pedido llegó dañado, quiero una devolución.",Returns and Exchanges,low,es

        """;

    private IsolatedServers _servers = null!;
    private string _dir = null!;

    [SetUp]
    public async Task Start()
    {
        _servers = await IsolatedServers.CreateAsync();
        Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "live-replay-" + Guid.NewGuid().ToString("N")[..8]));
    }

    [TearDown]
    public async Task Stop()
    {
        Directory.Delete(_dir, recursive: true);
        await _servers.DisposeAsync();
    }

    private Task<RunningService> StartIngestAsync(IReadOnlyDictionary<string, string?>? extra = null) =>
        ClassifierHost.StartIngestAsync(_servers, extra);

    private async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(string csv = Csv)
    {
        var path = Path.Combine(_dir, "fixture.csv");
        await File.WriteAllTextAsync(path, csv);
        return ReplayDeliveries.From(ReplayInput.Read(path), ReplayDeliveries.DefaultPrefix(path));
    }

    private static ReplayOptions Options(string secret = SignedWebhooks.Secret) =>
        new() { IngestSecret = secret, Concurrency = 3, MaxAttempts = 6, MaxRetryAfter = TimeSpan.FromSeconds(5) };

    private static string ExternalId(string envelope) => ClassifierHost.Message(envelope).GetProperty("externalId").GetString()!;

    [Test]
    public async Task Replays_a_file_into_ingest_the_classifier_classifies_it_and_a_second_replay_is_all_duplicates()
    {
        await using var received = await BusProbe.StartAsync(_servers.Broker, typeof(TicketReceived));
        await using var classified = await BusProbe.StartAsync(_servers.Broker, typeof(TicketClassified));
        await using var escalated = await BusProbe.StartAsync(_servers.Broker, typeof(TicketEscalated));
        await using var classifier = await ClassifierHost.StartAsync(_servers, llm: null);
        var deliveries = await DeliveriesAsync();
        var ids = new[] { "fixture-1", "fixture-2", "fixture-3", "fixture-4" };
        Assert.That(deliveries.Select(d => d.ExternalId), Is.EqualTo(ids));

        LiveReplayReport first;
        await using (var ingest = await StartIngestAsync())
            first = await new IngestReplayer(ingest.Address, Options()).SendAsync(deliveries, CancellationToken.None);
        Assert.That(first.Outcomes.Select(o => o.Kind), Is.All.EqualTo(DeliveryKind.Accepted), first.Markdown("fixture.csv", new Uri("http://ingest"), null));
        Assert.That(first.AllIn, Is.True);

        await Eventually.Until(() => Task.FromResult(classified.Bodies.Select(ExternalId).Distinct().Count()), n => n == ids.Length,
            TimeSpan.FromSeconds(30), "every replayed ticket to be classified");
        Assert.That(received.Bodies.Select(ExternalId).Order(), Is.EqualTo(ids), "each ticket published once by ingest");
        var outage = ClassifierHost.Message(classified.Bodies.Single(b => ExternalId(b) == "fixture-3")).GetProperty("classification");
        Assert.That(outage.GetProperty("priority").GetString(), Is.EqualTo("urgent"), "an outage is urgent");
        await Eventually.Until(() => Task.FromResult(escalated.Bodies.Select(ExternalId).ToList()), e => e.Contains("fixture-3"),
            TimeSpan.FromSeconds(30), "the outage to be escalated to a person");
        // One accepted delivery per ticket, recorded under its delivery id and its payload key.
        Assert.That(await _servers.Database.ScalarAsync<long>("SELECT count(DISTINCT \"MessageId\") FROM ingest_deliveries"), Is.EqualTo(ids.Length));

        // Later, another ingest instance (nothing in its memory): the same file again is recognised from the database.
        LiveReplayReport second;
        await using (var ingest = await StartIngestAsync())
            second = await new IngestReplayer(ingest.Address, Options()).SendAsync(await DeliveriesAsync(), CancellationToken.None);
        Assert.That(second.Outcomes.Select(o => o.Kind), Is.All.EqualTo(DeliveryKind.Duplicate), second.Csv());
        Assert.That(second.AllIn, Is.True, "duplicates are in the system already");
        await Task.Delay(1000);
        Assert.That(received.Count, Is.EqualTo(ids.Length), "nothing published again");
        Assert.That(second.Csv().Split('\n')[1], Does.StartWith("fixture-1,replay_fixture-1_").And.Contain(",duplicate,200,1,"));
    }

    [Test]
    public async Task The_command_line_replay_reads_its_secret_from_configuration_writes_its_report_and_says_whether_all_got_in()
    {
        await using var received = await BusProbe.StartAsync(_servers.Broker, typeof(TicketReceived));
        await using var ingest = await StartIngestAsync();
        var csv = Path.Combine(_dir, "fixture.csv");
        await File.WriteAllTextAsync(csv, Csv);
        var report = Path.Combine(_dir, "live.md");
        var (arguments, _) = ReplayArguments.Parse(["--input", csv, "--ingest", ingest.Address.ToString(), "--rows", "2-4", "--report", report]);
        var tickets = arguments!.Select(ReplayInput.Read(csv));
        IConfiguration Settings(string? secret) => new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Replay:IngestSecret"] = secret }).Build();

        Assert.That(await LiveReplay.RunAsync(arguments, tickets, Settings(null)), Is.EqualTo(2), "no secret, nothing sent");
        Assert.That(await LiveReplay.RunAsync(arguments, tickets, Settings(SignedWebhooks.Secret)), Is.EqualTo(0));
        Assert.That(await File.ReadAllTextAsync(report), Does.Contain("3 tickets (rows 2-4 of the file)").And.Contain("| accepted | 3 |"));
        Assert.That(await File.ReadAllTextAsync(Path.ChangeExtension(report, ".csv")), Does.Contain("fixture-2,").And.Not.Contain("Rechnung"),
            "the per-ticket report carries no ticket text");
        Assert.That(await LiveReplay.RunAsync(arguments, tickets, Settings(SignedWebhooks.Secret)), Is.EqualTo(0), "duplicates are in");
        Assert.That(await File.ReadAllTextAsync(report), Does.Contain("| duplicate | 3 |"));
        Assert.That(await LiveReplay.RunAsync(arguments, tickets, Settings("whsec_" + Convert.ToBase64String(new byte[24]))), Is.EqualTo(1), "refused");
        Assert.That(received.Count, Is.EqualTo(3));
    }

    [Test]
    public async Task An_edited_row_is_a_new_delivery_of_the_same_ticket()
    {
        var original = await DeliveriesAsync();
        var edited = await DeliveriesAsync(Csv.Replace("double charge", "triple charge"));
        Assert.That(edited[0].ExternalId, Is.EqualTo(original[0].ExternalId));
        Assert.That(edited[0].WebhookId, Is.Not.EqualTo(original[0].WebhookId));
        Assert.That(edited.Skip(1).Select(d => d.WebhookId), Is.EqualTo(original.Skip(1).Select(d => d.WebhookId)));
        Assert.That(original[0].Body, Does.Not.Contain("Billing").And.Not.Contain("medium"), "labels are not sent");
    }

    [Test]
    public async Task Rate_limited_tickets_wait_for_their_Retry_After_and_get_in()
    {
        // One request a second: of three sent at once, two are answered 429 with Retry-After and come back.
        await using var received = await BusProbe.StartAsync(_servers.Broker, typeof(TicketReceived)); // a queue, so the tickets route
        await using var ingest = await StartIngestAsync(new Dictionary<string, string?>
        {
            ["Ingest:RateLimit:PermitsPerSecond"] = "1",
            ["Ingest:RateLimit:Burst"] = "1",
        });
        var deliveries = (await DeliveriesAsync()).Take(3).ToList();
        var report = await new IngestReplayer(ingest.Address, Options()).SendAsync(deliveries, CancellationToken.None);
        Assert.That(report.Outcomes.Select(o => o.Kind), Is.All.EqualTo(DeliveryKind.Accepted), report.Csv());
        Assert.That(report.Outcomes.Count(o => o.Attempts > 1), Is.GreaterThanOrEqualTo(2), "the 429s were retried");
        Assert.That(report.Markdown("f.csv", ingest.Address, null), Does.Contain("ticket(s) needed more than one attempt"));
    }

    [Test]
    public async Task A_503_is_retried_after_its_Retry_After_a_bounded_number_of_times_and_reported()
    {
        // No queue is bound to TicketReceived: the broker returns every publish, ingest answers 503 with Retry-After: 1.
        await using var ingest = await StartIngestAsync(new Dictionary<string, string?> { ["Ingest:RetryAfterSeconds"] = "1" });
        var options = Options();
        options.MaxAttempts = 3;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var report = await new IngestReplayer(ingest.Address, options).SendAsync((await DeliveriesAsync()).Take(1).ToList(), CancellationToken.None);
        var outcome = report.Outcomes.Single();
        Assert.That((outcome.Kind, (int?)outcome.Status, outcome.Attempts), Is.EqualTo((DeliveryKind.Failed, (int?)503, 3)));
        Assert.That(outcome.Detail, Does.Contain("broker is unavailable"));
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(2)), "waited Retry-After (1 s) before each retry, not the 200 ms backoff");
    }

    [Test]
    public async Task A_wrong_secret_is_reported_as_refused_per_ticket()
    {
        await using var ingest = await StartIngestAsync();
        var report = await new IngestReplayer(ingest.Address, Options("whsec_" + Convert.ToBase64String(new byte[24])))
            .SendAsync(await DeliveriesAsync(), CancellationToken.None);
        Assert.That(report.Outcomes.Select(o => (o.Kind, (int?)o.Status)), Is.All.EqualTo((DeliveryKind.Refused, (int?)401)));
        Assert.That(report.Outcomes[0].Detail, Does.Contain("signature"));
        Assert.That(report.AllIn, Is.False);
        Assert.That(report.Markdown("f.csv", ingest.Address, null), Does.Contain("## Not in the system").And.Contain("| fixture-4 | refused | 401 | 1 |"));
    }

    [Test]
    public async Task Without_an_answer_a_ticket_fails_after_its_attempts()
    {
        var nobody = new Uri($"http://127.0.0.1:{FreeTcpPort()}");
        var options = Options();
        options.MaxAttempts = 3;
        var report = await new IngestReplayer(nobody, options).SendAsync((await DeliveriesAsync()).Take(1).ToList(), CancellationToken.None);
        Assert.That(report.Outcomes.Single().Kind, Is.EqualTo(DeliveryKind.Failed));
        Assert.That(report.Outcomes.Single().Attempts, Is.EqualTo(3));
        Assert.That(report.Outcomes.Single().Detail, Does.StartWith("no answer"));
    }

    private static int FreeTcpPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
