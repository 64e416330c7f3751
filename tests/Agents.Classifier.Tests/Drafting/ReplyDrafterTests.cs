using Agents.Classifier.Drafting;
using Agents.Classifier.Pipeline;
using Agents.Contracts;
using Agents.Harness;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Classifier.Tests.Drafting;

/// <summary>
/// The draft-reply stage against the local OpenAI-compatible server: the model's reply in the ticket's language when it
/// passes validation; otherwise (refused, LLM failing, breaker open, no LLM) the reviewed template, or no draft.
/// </summary>
[TestFixture]
public class ReplyDrafterTests
{
    private const string German = "Guten Tag,\n\nvielen Dank für Ihre Nachricht. Wir prüfen den Export und melden uns morgen bei Ihnen.\n\nIhr Support-Team";
    private FakeLlmServer _llm = null!;

    [SetUp]
    public async Task Start() => _llm = await FakeLlmServer.StartAsync();

    [TearDown]
    public async Task Stop() => await _llm.DisposeAsync();

    private static readonly TicketReceived Ticket = InProcessClassifier.Ticket("D-1", "Export funktioniert nicht",
        "Der Export nach Excel bricht seit gestern mit einem Fehler ab. Bitte helfen Sie uns.");

    private static ClassificationResult Classified(string language = "de", string category = "Technical Support") => new(
        new Classification
        {
            Category = category, Priority = "medium", Sentiment = "neutral", Language = language, Confidence = 0.9, ClassifiedBy = "llm",
        }, Ticket.Subject, Ticket.Body, null, null);

    private void Answer(string draft) =>
        _llm.Answer = r => r.SystemText.Contains("You draft", StringComparison.Ordinal) ? draft : FakeLlmServer.ClassificationJson(language: "de");

    private static async Task<(Draft? Draft, StepRecorder Steps)> DraftAsync(InProcessClassifier classifier, ClassificationResult? result = null)
    {
        var steps = new StepRecorder(Ticket);
        var draft = await classifier.Services.GetRequiredService<ReplyDrafter>().DraftAsync(Ticket, result ?? Classified(), steps, CancellationToken.None);
        return (draft, steps);
    }

    [Test]
    public async Task The_model_drafts_in_the_tickets_language_from_the_redacted_ticket()
    {
        Answer(German);
        await using var classifier = await InProcessClassifier.StartAsync(_llm);
        var (draft, steps) = await DraftAsync(classifier);

        Assert.That((draft!.Text, draft.By, draft.Notes.Count), Is.EqualTo((German, "llm", 0)));
        var request = _llm.Requests.Single();
        Assert.That(request.SystemText, Does.Contain("Write in German"));
        Assert.That(request.UserText, Does.Contain("BEGIN UNTRUSTED TICKET DATA").And.Contain("Export nach Excel"));
        Assert.That(steps.Outline(), Is.EqualTo("draft-request:ok, draft:llm"));
        Assert.That(steps.Steps.Select(s => s.Detail ?? ""), Has.None.Contains("Export"), "the step log holds no text");
    }

    [Test]
    public async Task A_draft_that_promises_a_refund_or_answers_in_another_language_gives_way_to_the_template_with_the_reason()
    {
        Answer("Guten Tag, wir erstatten Ihnen den vollen Betrag. Ihr Support-Team");
        await using var classifier = await InProcessClassifier.StartAsync(_llm);
        var (draft, steps) = await DraftAsync(classifier);
        Assert.That(draft!.By, Is.EqualTo("template"));
        Assert.That(draft.Text, Does.StartWith("Guten Tag,").And.Contain("technisches Team"));
        Assert.That(draft.Notes, Has.Some.Contains("forbidden promise"));
        Assert.That(steps.Outline(), Is.EqualTo("draft-request:ok, draft-refused:refused, draft:template"));

        Answer("Hello, thank you for your message. We are looking into the export problem and will get back to you.");
        (draft, _) = await DraftAsync(classifier);
        Assert.That(draft!.By, Is.EqualTo("template"));
        Assert.That(draft.Notes, Has.Some.Contains("language en, the ticket's is de"));
    }

    [Test]
    public async Task A_failing_llm_or_an_open_breaker_gives_the_template_and_counts_for_the_breaker()
    {
        _llm.Mode = FakeLlmMode.ServerError;
        await using var classifier = await InProcessClassifier.StartAsync(_llm);
        for (var i = 0; i < 6; i++)
        {
            var (draft, _) = await DraftAsync(classifier, Classified("fr", "Billing and Payments"));
            Assert.That(draft!.By, Is.EqualTo("template"));
            Assert.That(draft.Text, Does.StartWith("Bonjour,").And.Contain("facturation"));
        }
        Assert.That(classifier.Breaker.State, Is.EqualTo(Llm.BreakerState.Open), "draft calls count for the breaker like classifications");
        var calls = _llm.CallCount;
        var (open, steps) = await DraftAsync(classifier, Classified("pt"));
        Assert.That(open!.Notes, Has.Some.EqualTo("LLM breaker open"));
        Assert.That(open.Text, Does.StartWith("Olá,"));
        Assert.That(_llm.CallCount, Is.EqualTo(calls), "an open breaker is not asked");
        Assert.That(steps.Outline(), Is.EqualTo("draft:template"));
    }

    [Test]
    public async Task Without_an_llm_the_template_or_no_draft_as_configured()
    {
        await using var templated = await InProcessClassifier.StartAsync(llm: null);
        var (draft, _) = await DraftAsync(templated, Classified("es", "Returns and Exchanges"));
        Assert.That(draft!.By, Is.EqualTo("template"));
        Assert.That(draft.Text, Does.StartWith("Hola:").And.Contain("devolución"));

        await using var none = await InProcessClassifier.StartAsync(llm: null, new Dictionary<string, string?> { ["Classifier:Drafts:Fallback"] = "none" });
        var (nothing, steps) = await DraftAsync(none);
        Assert.That(nothing, Is.Null);
        Assert.That(steps.Outline(), Is.EqualTo("draft:skipped"));
    }
}
