using System.CommandLine;
using System.Net;
using System.Text;
using System.Text.Json;
using Agents.Cli;
using Agents.Contracts;
using Agents.Harness;
using Agents.Replay;
using Agents.Testing;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Agents.EndToEnd.Tests;

/// <summary>
/// The <c>agents</c> tool's verbs, run as the installed tool runs them (its root command, parsed from the command
/// line, its exit code and output), against the three real services: each verb's way through, and a refusal (401).
/// Tokens and base URLs come from the tool's environment, as an operator sets them; a wrong <c>--token</c> wins over it.
/// </summary>
[TestFixture]
public class AgentsToolTests
{
    private AgentsSystem _system = null!;
    private string _dir = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _system = await AgentsSystem.StartAsync();
        Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "agents-tool-" + Guid.NewGuid().ToString("N")[..8]));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_dir is not null)
            Directory.Delete(_dir, recursive: true);
        if (_system is not null)
            await _system.DisposeAsync();
    }

    [Test]
    public async Task Approvals_lists_shows_approves_and_rejects_held_writes_and_a_wrong_token_gets_401()
    {
        Assert.That((await _system.DeliverAsync(Tickets.Billing("T-CLI-A"), "msg_cli_a")).Accepted, Is.True);
        Assert.That((await _system.DeliverAsync(Tickets.Billing("T-CLI-B"), "msg_cli_b")).Accepted, Is.True);
        var approveKey = WriteKey.For("generic", "T-CLI-A", WriteKinds.SetPriority);
        var rejectKey = WriteKey.For("generic", "T-CLI-B", WriteKinds.SetPriority);
        var held = await Eventually.Until(async () => JsonArray((await RunAsync("approvals", "list", "--json")).Output),
            writes => writes.Any(w => Key(w) == approveKey) && writes.Any(w => Key(w) == rejectKey), TimeSpan.FromSeconds(30), "both writes to be held");
        var approveId = held.Single(w => Key(w) == approveKey).GetProperty("id").GetString()!;
        var version = held.Single(w => Key(w) == approveKey).GetProperty("contentHash").GetString()![..12];
        var rejectId = held.Single(w => Key(w) == rejectKey).GetProperty("id").GetString()!;

        var table = await RunAsync("approvals", "list");
        Assert.That(table.Code, Is.Zero, table.Error);
        Assert.That(table.Output, Does.Contain(approveId).And.Contain("generic/T-CLI-A").And.Contain("AwaitingApproval").And.Contain("priority=medium").And.Contain(version));
        var shown = await RunAsync("approvals", "show", approveId);
        Assert.That(JsonDocument.Parse(shown.Output).RootElement.GetProperty("write").GetProperty("idempotencyKey").GetString(), Is.EqualTo(approveKey));

        // An approval names the version the person reviewed: none, too short or another one, and nothing is sent.
        var unnamed = await RunAsync("approvals", "approve", approveId);
        Assert.That((unnamed.Code, unnamed.Error), Is.EqualTo((2, "Option '--version' is required.\n\n")), "a usage error, as for any missing argument");
        var stale = await RunAsync("approvals", "approve", approveId, "--version", "0123456789ab");
        Assert.That((stale.Code, stale.Error), Is.EqualTo((1, $"You reviewed version 0123456789ab; the write is now version {version}. " +
            $"Nothing was sent: review it again (agents approvals show {approveId}) and decide on what you saw.\n")));
        var tooShort = await RunAsync("approvals", "approve", approveId, "--version", version[..4]);
        Assert.That(tooShort.Code, Is.EqualTo(1));
        Assert.That(JsonDocument.Parse((await RunAsync("approvals", "show", approveId)).Output).RootElement.GetProperty("write").GetProperty("state").GetString(),
            Is.EqualTo("AwaitingApproval"), "no refused approval reached the writer");

        var approved = await RunAsync("approvals", "approve", approveId, "--version", version, "--reason", "looks right");
        Assert.That((approved.Code, approved.Output), Is.EqualTo((0, $"{approveId}: approve published; the saga carries it out (agents approvals show {approveId}).\n")));
        var rejected = await RunAsync("approvals", "reject", rejectId, "--reason", "not this one");
        Assert.That(rejected.Code, Is.Zero, rejected.Error);
        await Eventually.Until(async () => JsonArray((await RunAsync("approvals", "list", "--state", "Applied", "--json")).Output),
            writes => writes.Any(w => Key(w) == approveKey), TimeSpan.FromSeconds(30), "the approved write to be applied");
        var rejectedWrite = await Eventually.Until(async () => JsonDocument.Parse((await RunAsync("approvals", "show", rejectId)).Output).RootElement,
            w => w.GetProperty("write").GetProperty("state").GetString() == "Rejected", TimeSpan.FromSeconds(30), "the rejected write to be rejected");
        Assert.That(rejectedWrite.GetProperty("write").GetProperty("decisionReason").GetString(), Is.EqualTo("not this one"));
        Assert.That(await _system.Database.ScalarAsync<long>($"SELECT count(*) FROM crm_journal WHERE \"IdempotencyKey\" = '{approveKey}'"), Is.EqualTo(1));

        // The same decision on the same version again: confirmed, nothing sent to the saga.
        var again = await RunAsync("approvals", "approve", approveId, "--version", version);
        Assert.That((again.Code, again.Output), Is.EqualTo((0, $"{approveId}: Already decided this way; nothing changed. (state Applied)\n")), again.Error);
        var stranger = await RunAsync("approvals", "list", "--token", "not-an-approver");
        Assert.That((stranger.Code, stranger.Output), Is.EqualTo((1, "")));
        Assert.That(stranger.Error, Does.StartWith("writer answered 401"));
        var nobody = await RunAsync(Environment(tokens: false), "approvals", "list");
        Assert.That((nobody.Code, nobody.Error), Is.EqualTo((2, "No token for writer: pass --token or set AGENTS_APPROVER_TOKEN (or AGENTS_TOKEN).\n")),
            "no token: nothing is sent");
    }

    [Test]
    public async Task Quarantine_lists_shows_and_replays_a_refused_signed_body_then_steps_shows_what_the_classifier_did()
    {
        var body = Tickets.Billing("T-CLI-Q");
        // Only a delivery that proved its sender is kept (strangers cost nothing): a signed body with the wrong media type.
        var signed = SignedWebhooks.Generic("/webhooks/generic", body, "msg_cli_q");
        signed.Content = new StringContent(body, Encoding.UTF8, "text/plain");
        var refused = await _system.Ingest.Client.SendAsync(signed);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));

        var listed = JsonArray((await RunAsync("quarantine", "list", "--reason", "unsupported_media_type", "--json")).Output);
        var id = listed.First().GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var shown = await RunAsync("quarantine", "show", id);
        Assert.That(JsonDocument.Parse(shown.Output).RootElement.GetProperty("body").GetString(), Is.EqualTo(body));
        var table = await RunAsync("quarantine", "list");
        Assert.That(table.Output, Does.Contain("unsupported_media_type").And.Contain("generic"));

        var replayed = await RunAsync("quarantine", "replay", id);
        Assert.That((replayed.Code, replayed.Output), Is.EqualTo((0, $"{id}: 202, published 1, duplicates 0\n")), replayed.Error);
        var stranger = await RunAsync("quarantine", "list", "--token", "not-an-operator");
        Assert.That(stranger.Code, Is.EqualTo(1));
        Assert.That(stranger.Error, Does.StartWith("ingest answered 401"));

        // The replayed ticket went through the classifier: its step log, by the steps verb.
        var steps = await Eventually.Until(() => RunAsync("steps", "generic", "T-CLI-Q", "--json"),
            r => r.Code == 0, TimeSpan.FromSeconds(30), "the classifier's steps for the replayed ticket");
        var names = JsonDocument.Parse(steps.Output).RootElement.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()).ToList();
        Assert.That(names, Does.Contain("received").And.Contain("result"));
        var stepTable = await RunAsync("steps", "generic", "T-CLI-Q");
        Assert.That(stepTable.Output, Does.Contain("received").And.Contain("result"));
        var unknown = await RunAsync("steps", "generic", "T-NEVER-SEEN");
        Assert.That((unknown.Code, unknown.Error), Is.EqualTo((1, "classifier answered 404: No steps recorded for this ticket.\n")));
        var strangerSteps = await RunAsync("steps", "generic", "T-CLI-Q", "--token", "not-an-operator");
        Assert.That(strangerSteps.Code, Is.EqualTo(1));
        Assert.That(strangerSteps.Error, Does.StartWith("classifier answered 401"));
    }

    [Test]
    public async Task Replay_sends_a_file_into_ingest_and_a_wrong_secret_is_refused_with_401_per_ticket()
    {
        var csv = Path.Combine(_dir, "cli-replay.csv");
        await File.WriteAllTextAsync(csv, """
            subject,body,queue,priority,language
            Invoice charged twice,"My invoice shows a double charge, please refund the second payment.",Billing and Payments,medium,en
            Pedido dañado,"El pedido llegó dañado, quiero una devolución.",Returns and Exchanges,low,es

            """);
        var report = Path.Combine(_dir, "report.md");
        string[] args = ["replay", "--input", csv, "--ingest", _system.Ingest.Address.ToString(), "--report", report];

        var sent = await RunAsync(Environment(secret: SignedWebhooks.Secret), args);
        Assert.That(sent.Code, Is.Zero, sent.Error);
        Assert.That(await File.ReadAllTextAsync(report), Does.Contain("| accepted | 2 |"));
        await Eventually.Until(() => RunAsync("steps", "generic", "cli-replay-2"), r => r.Code == 0, TimeSpan.FromSeconds(30), "the replayed ticket to be classified");

        var wrong = await RunAsync(Environment(secret: "whsec_" + Convert.ToBase64String(new byte[24])), args);
        Assert.That(wrong.Code, Is.EqualTo(1), "not every ticket got in");
        Assert.That(await File.ReadAllTextAsync(report), Does.Contain("| refused | 2 |").And.Contain("| cli-replay-1 | refused | 401 | 1 |"), wrong.Error);
    }

    [Test]
    public async Task Escalations_lists_claims_and_closes_and_another_approvers_claim_is_refused_naming_the_holder()
    {
        var urgent = Tickets.Generic("T-CLI-ESC", "Production down", "URGENT: production is down, nobody can work since this morning.");
        Assert.That((await _system.DeliverAsync(urgent, "msg_cli_esc")).Accepted, Is.True);
        var listed = await Eventually.Until(async () => JsonArray((await RunAsync("escalations", "list", "--reason", "urgent", "--json")).Output),
            rows => rows.Any(r => r.GetProperty("externalId").GetString() == "T-CLI-ESC"), TimeSpan.FromSeconds(30), "the escalation in the inbox");
        var id = listed.Single(r => r.GetProperty("externalId").GetString() == "T-CLI-ESC").GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var table = await RunAsync("escalations", "list");
        Assert.That(table.Code, Is.Zero, table.Error);
        Assert.That(table.Output, Does.Contain("generic/T-CLI-ESC").And.Contain("urgent").And.Contain("open").And.Contain("Production down"));
        Assert.That(JsonArray((await RunAsync("escalations", "list", "--reason", "no_text", "--json")).Output)
            .Any(r => r.GetProperty("externalId").GetString() == "T-CLI-ESC"), Is.False, "the reason filter");

        var claimed = await RunAsync("escalations", "claim", id);
        Assert.That((claimed.Code, claimed.Output), Is.EqualTo((0, $"{id}: claimed by alice (no link to the CRM)\n")));
        var bobs = await RunAsync("escalations", "claim", id, "--token", AgentsSystem.SecondApproverToken);
        Assert.That(bobs.Code, Is.EqualTo(1));
        Assert.That(bobs.Error, Does.StartWith("writer answered 409: Claimed by alice."));
        var noNote = await RunAsync("escalations", "close", id);
        Assert.That(noNote.Code, Is.EqualTo(2), "--note is required");

        var closed = await RunAsync("escalations", "close", id, "--note", "called the customer");
        Assert.That((closed.Code, closed.Output), Is.EqualTo((0, $"{id}: closed by alice\n")));
        var shown = JsonDocument.Parse((await RunAsync("escalations", "show", id)).Output).RootElement;
        Assert.That((shown.GetProperty("state").GetString(), shown.GetProperty("closeNote").GetString()), Is.EqualTo(("closed", "called the customer")));
        var stranger = await RunAsync("escalations", "list", "--token", "not-a-token");
        Assert.That(stranger.Error, Does.StartWith("writer answered 401"));
    }

    private sealed record ToolRun(int Code, string Output, string Error);

    private Task<ToolRun> RunAsync(params string[] args) => RunAsync(Environment(), args);

    /// <summary>The tool's root command on <paramref name="args"/>, as its Program runs it, with its output captured.</summary>
    private static async Task<ToolRun> RunAsync(CliEnvironment environment, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLineExit.RunAsync(AgentsCommand.Create(environment), args, new InvocationConfiguration { Output = output, Error = error });
        return new ToolRun(code, output.ToString(), error.ToString());
    }

    /// <summary>What an operator exports: the services' URLs, an approver's and an operator's token; the replay's secret.</summary>
    private CliEnvironment Environment(bool tokens = true, string? secret = null)
    {
        var variables = new Dictionary<string, string?>
        {
            ["AGENTS_INGEST_URL"] = _system.Ingest.Address.ToString(),
            ["AGENTS_CLASSIFIER_URL"] = _system.Classifier.Address.ToString(),
            ["AGENTS_WRITER_URL"] = _system.Writer.Address.ToString(),
            ["AGENTS_APPROVER_TOKEN"] = tokens ? AgentsSystem.ApproverToken : null,
            ["AGENTS_OPERATOR_TOKEN"] = tokens ? AgentsSystem.OperatorToken : null,
        };
        var replay = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Replay:IngestSecret"] = secret,
            ["Logging:LogLevel:Default"] = "Warning",
        }).Build();
        return new CliEnvironment(name => variables.GetValueOrDefault(name), () => replay);
    }

    private static List<JsonElement> JsonArray(string json) =>
        string.IsNullOrWhiteSpace(json) ? [] : JsonDocument.Parse(json).RootElement.EnumerateArray().ToList();

    private static string? Key(JsonElement write) => write.GetProperty("idempotencyKey").GetString();
}
