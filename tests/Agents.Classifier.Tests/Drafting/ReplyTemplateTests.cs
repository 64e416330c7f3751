using Agents.Classifier.Drafting;
using Agents.Classifier.Rules;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Classifier.Tests.Drafting;

/// <summary>The shipped templates file and the validator every draft passes (no servers needed).</summary>
[TestFixture]
public class ReplyTemplateTests
{
    private InProcessClassifier _classifier = null!;
    private DraftValidator _validator = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _classifier = await InProcessClassifier.StartAsync(llm: null);
        _validator = _classifier.Services.GetRequiredService<DraftValidator>();
    }

    [OneTimeTearDown]
    public async Task Stop() => await _classifier.DisposeAsync();

    [Test]
    public void The_shipped_templates_cover_every_category_in_every_language_and_pass_validation()
    {
        var templates = _classifier.Services.GetRequiredService<ReplyTemplates>();
        var rules = _classifier.Services.GetRequiredService<RuleBasedClassifier>();
        Assert.That(rules.Rules.Languages, Is.SupersetOf(new[] { "en", "de", "es", "fr", "pt" }), "the languages of our data");
        Assert.Multiple(() =>
        {
            foreach (var language in rules.Rules.Languages)
            foreach (var category in rules.Categories)
            {
                Assert.That(templates.Covers(category, language), $"{category} in {language} has its own paragraph");
                var text = templates.For(category, language)!;
                Assert.That(_validator.Refusals(text, language), Is.Empty, $"{category} in {language}");
            }
        });
    }

    [TestCase("Hello, we will refund the full amount to your card by Friday. The support team", "en", "forbidden promise")]
    [TestCase("Guten Tag, wir erstatten Ihnen den Betrag selbstverständlich zurück. Ihr Support-Team", "de", "forbidden promise")]
    [TestCase("Hola, le haremos el reembolso completo esta misma semana sin problema. El equipo", "es", "forbidden promise")]
    [TestCase("Bonjour, nous allons vous rembourser intégralement dès demain matin. L'équipe support", "fr", "forbidden promise")]
    [TestCase("Olá, vamos fazer o estorno do valor cobrado ainda esta semana. A equipe de suporte", "pt", "forbidden promise")]
    [TestCase("Hello, thanks for writing. We are looking at the problem and will answer soon.", "de", "language en")]
    [TestCase("Hello, your card 4111 1111 1111 1111 was charged twice; we are looking at it.", "en", "contains")]
    [TestCase("Hello, please log in with the API key sk-live-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c and retry.", "en", "contains")]
    [TestCase("Hello [PERSON_1], we wrote to [EMAIL_1] about your ticket and will answer soon.", "en", "placeholder")]
    [TestCase("Thanks!", "en", "too short")]
    public void A_draft_is_refused_for_what_it_says_never_quoting_it(string draft, string language, string refusal)
    {
        var refusals = _validator.Refusals(draft, language);
        Assert.That(refusals, Has.Some.Contains(refusal));
        Assert.That(string.Join(" ", refusals), Does.Not.Contain("4111").And.Not.Contain("sk-live"), "refusals name the check, not the text");
    }

    [Test]
    public void A_templates_file_without_a_default_or_with_a_typo_is_refused()
    {
        Assert.Throws<System.Text.Json.JsonException>(() => ReplyTemplates.Parse(
            """{ "en": { "greeting": "Hi", "closing": "Bye", "categories": { "Billing and Payments": "x" } } }"""));
        Assert.Throws<System.Text.Json.JsonException>(() => ReplyTemplates.Parse(
            """{ "en": { "greeting": "Hi", "closing": "Bye", "categorys": { "default": "x" } } }"""));
    }

    [Test]
    public void A_draft_kind_other_than_a_reply_or_a_note_stops_the_classifier()
    {
        Assert.That(ReplyDrafter.Misconfigured(new DraftOptions { Kind = "set-priority" }), Does.Contain("add-note or post-reply"));
        Assert.That(ReplyDrafter.Misconfigured(new DraftOptions { Fallback = "templates" }), Does.Contain("template or none"));
        Assert.That(ReplyDrafter.Misconfigured(new DraftOptions()), Is.Null, "the shipped settings");
    }
}
