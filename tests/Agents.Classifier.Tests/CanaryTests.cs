using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Agents.Classifier.Persistence;
using Agents.Contracts;
using Agents.Harness;
using Agents.Ingest;
using Agents.ServiceDefaults;
using Agents.Testing;
using Agents.Webhooks;
using Agents.Writer;
using Agents.Writer.Persistence;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

/// <summary>
/// Secrets planted in a ticket, in a drafting tool's result (the requester's history) and in the CRM and LLM
/// credentials must not reach the LLM (prompts, tool results, tool-call arguments), any log line of any service, any
/// trace attribute, or any message the system publishes, the drafted note and <c>TicketReceived</c> included (ingest redacts). All three services run in this process; their logs are caught
/// at the console, where the JSON console logger writes them.
/// </summary>
[NonParallelizable]
public class CanaryTests
{
    private const string ApproverToken = "canary-approver-token-1";

    // In the ticket.
    private const string Email = "canary.person@victim-corp.example";
    private const string Card = "4539 1488 0343 6467";
    private const string Iban = "DE89 3704 0044 0532 0130 00";
    private const string Bearer = "cAnArYbEaReRtOkEn0123456789abcdef";
    private const string ApiKey = "sk-proj-CanaryKey0123456789abcdefXYZ";
    private const string Jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlY2FuYXJ5MDEyMzQ1Njc4OQ";
    private const string Password = "Canary-Pa55word!";
    private const string Phone = "+49 170 5551234";

    // The requester's own address travels in its field (the writer needs it) but never in a log line.
    private const string RequesterEmail = "requester.canary@customer-corp.example";

    // In the writer's CRM settings and the classifier's LLM settings.
    private const string ZendeskToken = "zd-canary-token-9f8e7d6c5b4a";
    private const string HubSpotToken = "pat-na1-canary-0000-1111-2222-333344445555";
    private const string LlmKey = "sk-llm-canary-key-abcdefghijklmnop";

    // In what a drafting tool reads (a row of the requester's history, as a CRM field might carry a token).
    private const string ToolToken = "ghp_CanaryToolResultToken0123456789abcd";
    private const string ToolPassword = "Tool-Canary-Pa55!";

    private static readonly string[] TicketSecrets = [Email, Card, Iban, Bearer, ApiKey, Jwt, Password, Phone];
    private static readonly string[] CredentialSecrets = [ZendeskToken, HubSpotToken, LlmKey, ToolToken, ToolPassword];

    [Test]
    public async Task No_planted_secret_reaches_the_llm_a_log_line_or_any_message_on_the_bus()
    {
        using var logs = new ConsoleCapture();
        using var spans = new ActivityCapture();
        await using var servers = await IsolatedServers.CreateAsync();
        await using var llm = await FakeLlmServer.StartAsync();
        llm.Answer = r => r.SystemText.Contains("You draft", StringComparison.Ordinal)
            ? "Hello,\n\nthank you for telling us about the double charge. Our billing team is checking your account and will get back to you.\n\nThe support team"
            : r.UserText.Contains("PRODUCTION DOWN")
            ? FakeLlmServer.ClassificationJson("Technical Support", "urgent", "negative", "en", 0.95, "production outage")
            : FakeLlmServer.ClassificationJson("Billing and Payments", "high", "negative", "en", 0.93, "double charge", "refund");
        llm.ToolCalls = FakeLlmServer.EachOfferedToolOnce;

        var verbose = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
            ["Logging:LogLevel:Agents"] = "Debug",
        };
        var common = new[] { servers.Broker.Settings, servers.Database.Settings, verbose };
        await using var probe = await BusProbe.StartAsync(servers.Broker, typeof(TicketClassified), typeof(TicketEscalated), typeof(ProposeWrites),
            typeof(ApproveWrite), typeof(RejectWrite), typeof(ApplyWrite), typeof(WriteApplied), typeof(WriteFailed));
        await using var received = await BusProbe.StartAsync(servers.Broker, typeof(TicketReceived));

        await using var writer = await RunningService.StartAsync(WriterService.Build, [.. common, new Dictionary<string, string?>
        {
            ["Approvers:0:Name"] = "alice",
            ["Approvers:0:Token"] = ApproverToken,
            ["Crm:Zendesk:Subdomain"] = "canary",
            ["Crm:Zendesk:Email"] = "bot@agents.example",
            ["Crm:Zendesk:ApiToken"] = ZendeskToken,
            ["Crm:HubSpot:AccessToken"] = HubSpotToken,
        }], sp => DatabaseMigration.MigrateAsync<WriterDbContext>(sp));
        var classifierSettings = ClassifierHost.Settings(llm).ToDictionary();
        classifierSettings["Classifier:Llm:ApiKey"] = LlmKey;
        await using var classifier = await RunningService.StartAsync(ClassifierService.Build, [.. common, classifierSettings],
            sp => DatabaseMigration.MigrateAsync<ClassifierDbContext>(sp));
        await using var ingest = await RunningService.StartAsync(IngestService.Build, [.. common, new Dictionary<string, string?>
        {
            ["Ingest:Sources:generic:Secret"] = SignedWebhooks.Secret,
            // The first publish declares its exchange, which took the broker over the shipped 5 s on a loaded CI
            // machine: ingest answered 503, the resent webhook was published again beside the late first copy, and
            // the LLM was called for both (6 calls, not the 4 counted below). The count is what this test checks.
            ["Ingest:PublishTimeout"] = "00:00:30",
        }]);
        // The planted outcome goes in base64, so the seeding statement's own span (Npgsql traces its text) holds none of it.
        var outcome = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"closed; the customer pasted token {ToolToken} and password: {ToolPassword}"));
        await servers.Database.ScalarAsync<int>($"""
            INSERT INTO classifier_ticket_outcomes ("Source", "ExternalId", "RequesterKey", "At", "Category", "Priority", "Outcome")
            VALUES ('generic', 'C-0', '{History.RequesterKey.For(new Requester(null, RequesterEmail))}', now() - interval '3 days',
                    'Technical Support', 'low', convert_from(decode('{outcome}', 'base64'), 'UTF8'))
            RETURNING 1
            """);

        var body = $"I was charged twice. Card {Card}, refund to IBAN {Iban}. Call me on {Phone}. "
            + $"Our integration sends Authorization: Bearer {Bearer} with key {ApiKey} and session {Jwt}. "
            + $"My password: {Password}";
        var first = await Send(ingest, "C-1", $"Double charge for {Email}", body, "msg_canary_1");
        Assert.That(first.Accepted, Is.True, first.Answer);
        var second = await Send(ingest, "C-2", "PRODUCTION DOWN", $"Nothing works. Contact {Email}, password: {Password}", "msg_canary_2");
        Assert.That(second.Accepted, Is.True, second.Answer);

        // The first ticket's proposals wait for approval; approve one so the writer applies it with its CRM settings.
        writer.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApproverToken);
        var key = WriteKey.For("generic", "C-1", WriteKinds.SetPriority);
        var pending = await Eventually.Until(() => writer.Client.GetFromJsonAsync<List<JsonElement>>("/approvals?state=AwaitingApproval")!,
            w => w!.Any(x => x.GetProperty("idempotencyKey").GetString() == key), TimeSpan.FromSeconds(30), "the proposal");
        var id = pending!.Single(x => x.GetProperty("idempotencyKey").GetString() == key).GetProperty("id").GetGuid();
        Assert.That((await writer.Client.ApproveAsync(id, "ok")).StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await Eventually.Until(() => Task.FromResult(probe.Bodies.Count(b => b.Contains("WriteApplied") || b.Contains("WriteFailed"))), n => n >= 1,
            TimeSpan.FromSeconds(30), "the write to be applied");
        await Eventually.Until(() => Task.FromResult(probe.Bodies.Count(b => b.Contains("TicketEscalated"))), n => n >= 1,
            TimeSpan.FromSeconds(30), "the urgent ticket to be escalated");
        await Task.Delay(500); // let the loggers' queues drain

        classifier.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClassifierHost.OperatorToken);
        var draftSteps = await classifier.Client.GetStringAsync("/tickets/generic/C-1/steps");
        Assert.That(llm.CallCount, Is.EqualTo(4), draftSteps + "\n" +
            "two classifications and the first ticket's draft, one round trip for its tool call and one for the text (the urgent one is escalated: no draft)");
        Assert.That(llm.Requests.SelectMany(r => r.ToolResults).Single().Content, Does.Contain("earlier_tickets").And.Contain("closed; the customer pasted"),
            "positive control: the tool's result reached the model (redacted)");
        Assert.That(string.Join("\n", probe.Bodies), Does.Contain("our billing team is checking").IgnoreCase.And.Contain("drafted by llm"),
            "positive control: the drafted note is among the published messages searched below");
        var llmBodies = string.Join("\n", llm.RequestBodies);
        var logText = logs.Text;
        var published = string.Join("\n", probe.Bodies);
        Assert.That(logText, Does.Contain("agents-classifier").Or.Contain("Agents.Classifier"), "the logs were captured");
        Assert.That(published, Does.Contain("[CARD_1]"), "the proposals carry the redacted text");
        Assert.Multiple(() =>
        {
            foreach (var secret in TicketSecrets.Concat(CredentialSecrets))
            {
                Assert.That(llmBodies, Does.Not.Contain(secret), $"LLM request bodies contain {secret}");
                Assert.That(logText, Does.Not.Contain(secret), $"a log line contains {secret}");
                Assert.That(published, Does.Not.Contain(secret), $"a published message contains {secret}");
                Assert.That(published, Does.Not.Contain(JsonEncoded(secret)), $"a published message contains {secret} (JSON-escaped)");
                Assert.That(spans.Text, Does.Not.Contain(secret), $"a trace attribute contains {secret}");
            }
            Assert.That(spans.Count, Is.GreaterThan(0), "positive control: spans were captured");
            // Ingest redacts before publishing, so TicketReceived is held to the same rule. Positive control: the probe
            // does see the tickets (their non-secret text, the placeholders and the requester's own address field).
            var tickets = string.Join("\n", received.Bodies);
            Assert.That(tickets, Does.Contain("I was charged twice").And.Contain("[CARD_1]").And.Contain("PRODUCTION DOWN"),
                "positive control: the probe sees the tickets' text");
            Assert.That(tickets, Does.Contain(RequesterEmail), "positive control: the requester field is kept");
            Assert.That(tickets, Does.Contain("redacted"), "the ticket says that text was redacted");
            foreach (var secret in TicketSecrets.Concat(CredentialSecrets))
            {
                Assert.That(tickets, Does.Not.Contain(secret), $"TicketReceived contains {secret}");
                Assert.That(tickets, Does.Not.Contain(JsonEncoded(secret)), $"TicketReceived contains {secret} (JSON-escaped)");
            }
            Assert.That(logText, Does.Not.Contain(RequesterEmail), "a log line contains the requester's address");
        });
    }

    /// <summary>Sent as a CRM sends it (a 503 is tried again).</summary>
    private static Task<DeliveryResult> Send(RunningService ingest, string id, string subject, string body, string webhookId) =>
        CrmWebhooks.SendAsync(ingest.Address, JsonSerializer.Serialize(new
        {
            type = "ticket.created",
            ticket = new
            {
                id, subject, body,
                requester = new { name = "Canary Person", email = RequesterEmail },
                tags = new[] { "web" },
                status = "open",
                created_at = "2026-11-20T09:30:00Z",
            },
        }), webhookId);

    private static string JsonEncoded(string s) => JsonSerializer.Serialize(s).Trim('"');
}
