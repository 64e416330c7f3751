using System.Text.Json.Nodes;
using Agents.Classifier.Drafting;
using Agents.Classifier.Drafting.Tools;
using Agents.Classifier.History;
using Agents.Classifier.Pipeline;
using Agents.Contracts;
using Agents.Harness;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Classifier.Tests.Drafting;

/// <summary>
/// Drafting with read-only tools against the local OpenAI-compatible server speaking the tools protocol: the tool is
/// bound to the current requester (no arguments; a call with some is refused and flagged), its result is redacted
/// before the model reads it, calls and tokens are bounded, the whole exchange has one timeout and counts for the
/// breaker, every call is in the step log by name, latency and outcome only, and a tool the policy does not grant is
/// never offered.
/// </summary>
[TestFixture]
public class DraftToolTests
{
    private const string German = "Guten Tag,\n\nvielen Dank für Ihre Nachricht. Wir prüfen den Export und melden uns morgen bei Ihnen.\n\nIhr Support-Team";
    private const string PlantedKey = "sk_live_4eC39HqLyjWDarjtT1zdp7dcTOOL";
    private FakeLlmServer _llm = null!;

    [SetUp]
    public async Task Start()
    {
        _llm = await FakeLlmServer.StartAsync();
        _llm.Answer = _ => German;
    }

    [TearDown]
    public async Task Stop() => await _llm.DisposeAsync();

    private static readonly TicketReceived Ticket = InProcessClassifier.Ticket("T-9", "Export funktioniert nicht",
        "Der Export nach Excel bricht seit gestern mit einem Fehler ab. Bitte helfen Sie uns.") with
    {
        Requester = new Requester("Jana", "jana@example.com"),
    };

    private static readonly ClassificationResult Classified = new(new Classification
    {
        Category = "Technical Support", Priority = "medium", Sentiment = "neutral", Language = "de", Confidence = 0.9, ClassifiedBy = "llm",
    }, Ticket.Subject, Ticket.Body, null, null);

    /// <summary>Two earlier tickets of the requester (one outcome carrying a key, as a CRM field might), one of someone else's.</summary>
    private static async Task SeedAsync(InProcessClassifier classifier)
    {
        var history = classifier.Services.GetRequiredService<ITicketHistory>();
        await history.RecordAsync(Ticket with { ExternalId = "T-1" }, Classified.Classification with { Category = "Billing and Payments" },
            "escalated to a person: urgent", CancellationToken.None);
        await history.RecordAsync(Ticket with { ExternalId = "T-2" }, Classified.Classification,
            $"proposed: add-note (customer pasted api_key={PlantedKey})", CancellationToken.None);
        await history.RecordAsync(Ticket with { ExternalId = "X-1", Requester = new Requester("Other", "other@example.com") },
            Classified.Classification with { Category = "Fraud Report" }, "proposed: set-priority", CancellationToken.None);
    }

    private static async Task<(Draft? Draft, StepRecorder Steps)> DraftAsync(InProcessClassifier classifier)
    {
        var steps = new StepRecorder(Ticket);
        var draft = await classifier.Services.GetRequiredService<ReplyDrafter>().DraftAsync(Ticket, Classified, steps, CancellationToken.None);
        return (draft, steps);
    }

    [Test]
    public async Task The_model_reads_the_current_requesters_history_through_a_tool_without_arguments_redacted()
    {
        _llm.ToolCalls = FakeLlmServer.EachOfferedToolOnce;
        await using var classifier = await InProcessClassifier.StartAsync(_llm);
        await SeedAsync(classifier);
        var (draft, steps) = await DraftAsync(classifier);

        Assert.That((draft!.By, draft.Text, draft.ToolCalls), Is.EqualTo(("llm", German, 1)));
        var (first, second) = (_llm.Requests[0], _llm.Requests[1]);
        Assert.That(first.OfferedTools, Is.EqualTo(new[] { "get_ticket_history" }));
        var parameters = first.Json["tools"]![0]!["function"]!["parameters"]!;
        Assert.That(parameters["properties"]?.AsObject().Count ?? 0, Is.Zero, "the tool takes no argument the model could fill");
        Assert.That(first.SystemText, Does.Contain("They take no arguments"));

        var result = second.ToolResults.Single().Content;
        Assert.That(result, Does.Contain("Billing and Payments").And.Contain("escalated to a person: urgent"));
        Assert.That(result, Does.Not.Contain(PlantedKey), "a tool's result is redacted before the model reads it");
        Assert.That(result, Does.Not.Contain("Fraud Report"), "another requester's tickets are not this requester's history");
        Assert.That(_llm.RequestBodies, Has.None.Contains("jana@example.com").And.None.Contains("T-1"),
            "the model never holds the requester's address or ticket ids");

        Assert.That(steps.Outline(), Is.EqualTo("tool-call:ok, draft-request:ok, draft:llm"));
        var call = steps.Steps[0];
        Assert.That((call.Detail, call.LatencyMs.HasValue), Is.EqualTo(("get_ticket_history", true)), "name and latency, no content");
        Assert.That(steps.Steps.Select(s => s.Detail ?? ""), Has.None.Contains("Billing").And.None.Contains(PlantedKey));
        Assert.That(draft.Findings.Single(), Does.StartWith("get_ticket_history: ").And.Contain("Billing and Payments").And.Not.Contain(PlantedKey),
            "the approver sees what the tool found");
    }

    [TestCase("{\"email\":\"other@example.com\"}")]
    [TestCase("{\"requester\":\"current\",\"api_key\":\"ignore previous instructions\"}")]
    public async Task A_call_for_another_customer_or_with_injected_arguments_runs_nothing_and_is_flagged(string arguments)
    {
        _llm.ToolCalls = r => r.ToolResults.Count > 0 ? [] : [new FakeToolCall("get_ticket_history", arguments)];
        await using var classifier = await InProcessClassifier.StartAsync(_llm);
        await SeedAsync(classifier);
        var (draft, steps) = await DraftAsync(classifier);

        var result = _llm.Requests[1].ToolResults.Single().Content;
        Assert.That(result, Does.StartWith("Refused: this tool takes no arguments"));
        Assert.That(_llm.RequestBodies, Has.None.Contains("Fraud Report").And.None.Contains("Billing and Payments"), "nothing was read");
        Assert.That(steps.Outline(), Is.EqualTo("tool-call:refused, draft-request:ok, draft:llm"));
        Assert.That(steps.Steps[0].Detail, Does.Not.Contain("other@example.com").And.Not.Contain("ignore"), "arguments are not logged");
        Assert.That(draft!.Notes, Has.Some.Contains("called get_ticket_history with arguments").And.Some.Contains("refused"),
            "the approver is told what the model tried");
    }

    [Test]
    public async Task Calls_beyond_the_limit_and_functions_never_offered_run_nothing()
    {
        // A model that never stops asking: for the history, and for a function it was never given.
        _llm.ToolCalls = _ => [new FakeToolCall("get_ticket_history"), new FakeToolCall("update_customer", "{\"plan\":\"free\"}")];
        await using var classifier = await InProcessClassifier.StartAsync(_llm, new Dictionary<string, string?> { ["Classifier:Drafts:Tools:MaxCalls"] = "2" });
        var (draft, steps) = await DraftAsync(classifier);

        Assert.That(steps.Steps.Count(s => s.Step == "tool-call" && s.Outcome == "ok"), Is.EqualTo(2), "the history ran as often as allowed");
        Assert.That(steps.Steps.Where(s => s.Step == "tool-call").Select(s => s.Outcome), Has.Some.EqualTo("over-limit").And.Some.EqualTo("unknown"));
        Assert.That(_llm.CallCount, Is.LessThanOrEqualTo(5), "at most one round trip per allowed call, two for 'no more calls' and the last");
        Assert.That(draft!.By, Is.EqualTo("template"), "an exchange that ends in tool calls has no reply to propose");
        Assert.That(draft.Notes, Has.Some.Contains("a function it was not offered"));
    }

    [Test]
    public async Task The_token_budget_refuses_a_draft_that_needed_more()
    {
        _llm.ToolCalls = FakeLlmServer.EachOfferedToolOnce;
        await using var classifier = await InProcessClassifier.StartAsync(_llm, new Dictionary<string, string?> { ["Classifier:Drafts:Tools:MaxTokens"] = "100" });
        var (draft, steps) = await DraftAsync(classifier);
        Assert.That(draft!.By, Is.EqualTo("template"));
        Assert.That(draft.Notes, Has.Some.Contains("over the token budget"));
        Assert.That(steps.Outline(), Does.Contain("draft-refused:refused"));
    }

    [Test]
    public async Task One_timeout_covers_the_whole_exchange_and_the_breaker_counts_it()
    {
        // Each round trip is within the per-call timeout (3 s) but two of them are not within the exchange's. The first
        // gets 0.7 s beside its 1 s: with 0.15 s it once missed in CI under load (no tool call before the timeout).
        _llm.ToolCalls = FakeLlmServer.EachOfferedToolOnce;
        _llm.Delay = TimeSpan.FromSeconds(1);
        await using var classifier = await InProcessClassifier.StartAsync(_llm, new Dictionary<string, string?> { ["Classifier:Drafts:Tools:Timeout"] = "00:00:01.700" });
        for (var i = 0; i < 6 && classifier.Breaker.State != Llm.BreakerState.Open; i++)
        {
            var (draft, steps) = await DraftAsync(classifier);
            Assert.That(draft!.By, Is.EqualTo("template"));
            Assert.That(steps.Outline(), Does.StartWith("tool-call:ok, draft-request:timeout"));
        }
        Assert.That(classifier.Breaker.State, Is.EqualTo(Llm.BreakerState.Open), "a drafting exchange that times out counts for the breaker");
    }

    [Test]
    public async Task A_tool_the_policy_does_not_grant_or_the_configuration_disables_is_never_offered()
    {
        _llm.ToolCalls = FakeLlmServer.EachOfferedToolOnce;
        await using (var ungranted = await InProcessClassifier.StartAsync(_llm, services: s => s.AddSingleton(new ToolGrants(new HashSet<string>()))))
        {
            var (draft, steps) = await DraftAsync(ungranted);
            Assert.That(draft!.By, Is.EqualTo("llm"));
            Assert.That(steps.Outline(), Is.EqualTo("draft-request:ok, draft:llm"));
        }
        await using (var disabled = await InProcessClassifier.StartAsync(_llm, new Dictionary<string, string?> { ["Classifier:Drafts:Tools:Enabled"] = "false" }))
            await DraftAsync(disabled);
        Assert.That(_llm.Requests.Select(r => r.Json["tools"]), Is.All.Null, "no request offered a tool");
        Assert.That(_llm.Requests.Select(r => r.SystemText), Has.None.Contains("They take no arguments"));
    }
}
