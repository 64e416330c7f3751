using Agents.Classifier.Drafting;
using Agents.Classifier.Drafting.Tools;
using Agents.Classifier.Pipeline;
using Agents.Contracts;
using Agents.Crm.Policy;
using Agents.Harness;
using Agents.Writer.Tests.FakeVendors;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Classifier.Tests.Drafting;

/// <summary>
/// <c>get_customer</c> against the local OpenAI-compatible server and a CRM's fake (<see cref="ReadableTickets"/>): with
/// the shipped policy the model reads the requester's other tickets from the CRM, redacted; a policy without
/// <c>read:customers</c> or a source without a configured reader never offers it; a call with arguments reads nothing;
/// a refused read (401, 429) answers "unavailable" and the draft still comes. Through all of it the credential (as
/// configured and as sent) and a token in the vendor's answer reach no prompt, step, log line or draft.
/// </summary>
[TestFixtureSource(nameof(Crms))]
public class CustomerToolTests(string crm) : ReadingFixture(crm)
{
    public static readonly string[] Crms = ["zendesk", "hubspot"];
    private const string Reply = "Hello,\n\nthank you for your message. We are looking into the export and will get back to you tomorrow.\n\nYour support team";
    private const string PlantedKey = "sk_live_4eC39HqLyjWDarjtCRM7dcVENDOR";
    private FakeLlmServer _llm = null!;

    [SetUp]
    public async Task StartLlm()
    {
        _llm = await FakeLlmServer.StartAsync();
        _llm.Answer = _ => Reply;
        _llm.ToolCalls = FakeLlmServer.EachOfferedToolOnce;
    }

    [TearDown]
    public async Task StopLlm() => await _llm.DisposeAsync();

    private TicketReceived Ticket(string? source = null) => InProcessClassifier.Ticket(Vendor.Id, ReadableTickets.Subject, ReadableTickets.Description) with
    {
        Source = source ?? Crm,
        Requester = new Requester("Jana", "jana@example.com"),
    };

    /// <summary>The classifier with the CRM readers on the vendor's settings (<paramref name="credentials"/> instead when given) and the shipped policy.</summary>
    private Task<InProcessClassifier> ClassifierAsync(string? credentials = null, ToolGrants? grants = null) =>
        InProcessClassifier.StartAsync(_llm, services: s =>
        {
            foreach (var registration in Readers(credentials))
                s.Add(registration);
            s.AddSingleton(AgentPolicy.Load(Path.Combine(AppContext.BaseDirectory, "policy.yaml")));
            if (grants is not null)
                s.AddSingleton(grants);
        });

    private static async Task<(Draft Draft, StepRecorder Steps)> DraftAsync(InProcessClassifier classifier, TicketReceived ticket)
    {
        var steps = new StepRecorder(ticket);
        var classified = new ClassificationResult(new Classification
        {
            Category = "Technical Support", Priority = "medium", Sentiment = "neutral", Language = "en", Confidence = 0.9, ClassifiedBy = "llm",
        }, ticket.Subject, ticket.Body, null, null);
        var draft = await classifier.Services.GetRequiredService<ReplyDrafter>().DraftAsync(ticket, classified, steps, CancellationToken.None);
        return (draft!, steps);
    }

    /// <summary>A token in the requester's other ticket, as a customer may paste one into a subject.</summary>
    private void PlantInOtherTicket()
    {
        var subject = $"{ReadableTickets.OtherSubject} api_key={PlantedKey}";
        switch (Vendor.Server)
        {
            case FakeZendesk zendesk:
                zendesk.Texts[long.Parse(Vendor.OtherId, System.Globalization.CultureInfo.InvariantCulture)] =
                    zendesk.Texts[long.Parse(Vendor.OtherId, System.Globalization.CultureInfo.InvariantCulture)] with { Subject = subject };
                break;
            case FakeHubSpot hubSpot:
                hubSpot.Tickets[Vendor.OtherId]["subject"] = subject;
                break;
        }
    }

    private string Everything(Draft draft, StepRecorder steps) => string.Join("\n",
        _llm.RequestBodies.Concat([draft.Text]).Concat(draft.Findings).Concat(draft.Notes).Concat(steps.Steps.Select(s => $"{s.Step} {s.Outcome} {s.Detail}")));

    [Test]
    public async Task The_model_reads_the_requesters_other_tickets_from_the_crm_redacted_and_without_the_credential()
    {
        PlantInOtherTicket();
        await using var classifier = await ClassifierAsync();
        var (draft, steps) = await DraftAsync(classifier, Ticket());

        Assert.That(_llm.Requests[0].OfferedTools, Is.EqualTo(new[] { "get_ticket_history", "get_customer" }));
        var result = _llm.Requests[1].ToolResults.Select(r => r.Content).Single(c => c.Contains("other_tickets", StringComparison.Ordinal));
        Assert.That(result, Does.Contain(ReadableTickets.OtherSubject).And.Contain(Vendor.OtherId));
        Assert.That(result, Does.Not.Contain("Someone else's"), "another requester's tickets are not this one's");
        Assert.That(result, Does.Not.Contain(PlantedKey), "the vendor's answer is redacted before the model reads it");
        Assert.That((draft.By, draft.Text), Is.EqualTo(("llm", Reply)));
        Assert.That(steps.Outline(), Is.EqualTo("tool-call:ok, tool-call:ok, draft-request:ok, draft:llm"));
        Assert.That(steps.Steps[1].Detail, Is.EqualTo("get_customer"), "name and latency, no content");
        Assert.That(draft.Findings, Has.Some.StartsWith("get_customer: ").And.Some.Contains(ReadableTickets.OtherSubject));
        var everything = Everything(draft, steps);
        Assert.That(everything, Does.Not.Contain(PlantedKey));
        AssertNoSecret(null, ("a prompt, a step or the draft", everything));
    }

    [Test]
    public async Task It_is_not_offered_without_read_customers_or_without_a_configured_reader_for_the_source()
    {
        await using (var withheld = await ClassifierAsync(grants: new ToolGrants(new HashSet<string> { ReadPermissions.Tickets })))
            await DraftAsync(withheld, Ticket());
        await using (var shipped = await ClassifierAsync())
            await DraftAsync(shipped, Ticket(source: "test"));

        Assert.That(_llm.Requests.Where(r => r.ToolResults.Count == 0).Select(r => r.OfferedTools),
            Is.All.EqualTo(new[] { "get_ticket_history" }));
        Assert.That(Vendor.Server.Requests, Is.Empty, "the CRM was never read");
    }

    [Test]
    public async Task A_call_for_another_customer_reads_nothing_and_is_flagged()
    {
        _llm.ToolCalls = r => r.ToolResults.Count > 0 ? [] : [new FakeToolCall("get_customer", "{\"email\":\"other@example.com\"}")];
        await using var classifier = await ClassifierAsync();
        var (draft, steps) = await DraftAsync(classifier, Ticket());

        Assert.That(_llm.Requests[1].ToolResults.Single().Content, Does.StartWith("Refused: this tool takes no arguments"));
        Assert.That(Vendor.Server.Requests, Is.Empty, "the CRM was never read");
        Assert.That(steps.Outline(), Is.EqualTo("tool-call:refused, draft-request:ok, draft:llm"));
        Assert.That(draft.Notes, Has.Some.Contains("called get_customer with arguments"));
    }

    [TestCase(401)]
    [TestCase(429)]
    public async Task A_refused_read_answers_unavailable_and_the_draft_still_comes(int status)
    {
        const string wrong = "wrong-credential-canary-c5d6e7";
        if (status == 429)
            Vendor.Server.FailNext(429, Vendor.RateLimitBody, TimeSpan.FromSeconds(1));
        await using var classifier = await ClassifierAsync(status == 401 ? wrong : null);
        var (draft, steps) = await DraftAsync(classifier, Ticket());

        Assert.That(_llm.Requests[1].ToolResults.Select(r => r.Content), Has.One.StartsWith("Unavailable: the CRM could not be read"));
        var call = steps.Steps.Single(s => s.Detail?.StartsWith("get_customer", StringComparison.Ordinal) == true);
        Assert.That(call.Outcome, Is.EqualTo("unavailable"));
        Assert.That(call.Detail, Does.Contain(status.ToString(System.Globalization.CultureInfo.InvariantCulture)), "the step says why");
        Assert.That((draft.By, draft.Text), Is.EqualTo(("llm", Reply)), "the draft comes without the CRM");
        AssertNoSecret(status == 401 ? wrong : null, ("a prompt, a step or the draft", Everything(draft, steps)));
    }
}
