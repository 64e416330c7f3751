using Agents.Classifier.Llm;
using Agents.Harness;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

public class LlmAnswerParserTests
{
    private static readonly string[] Taxonomy = ["Technical Support", "Billing and Payments"];

    [Test]
    public void A_valid_answer_becomes_an_llm_classification()
    {
        var c = LlmAnswerParser.Parse(FakeLlmServer.ClassificationJson("billing and payments", "high", "negative", "de", 0.83,
            "double charge", "Refund Request", "billing"), Taxonomy);
        Assert.Multiple(() =>
        {
            Assert.That(c.Category, Is.EqualTo("Billing and Payments"), "canonical spelling from the taxonomy");
            Assert.That(c.Priority, Is.EqualTo("high"));
            Assert.That(c.Sentiment, Is.EqualTo("negative"));
            Assert.That(c.Language, Is.EqualTo("de"));
            Assert.That(c.Confidence, Is.EqualTo(0.83));
            Assert.That(c.Tags, Is.EqualTo(new[] { "refund-request", "billing" }));
            Assert.That(c.ClassifiedBy, Is.EqualTo("llm"));
        });
    }

    [TestCase("not json at all")]
    [TestCase("```json\n{}\n```")]
    [TestCase("[1,2]")]
    [TestCase("""{"category":"Shipping","priority":"low","sentiment":"neutral","language":"en","confidence":0.9,"reason":"r","tags":[]}""")]
    [TestCase("""{"category":"Technical Support","priority":"critical","sentiment":"neutral","language":"en","confidence":0.9,"reason":"r","tags":[]}""")]
    [TestCase("""{"category":"Technical Support","priority":"low","sentiment":"angry","language":"en","confidence":0.9,"reason":"r","tags":[]}""")]
    [TestCase("""{"category":"Technical Support","priority":"low","sentiment":"neutral","language":"english","confidence":0.9,"reason":"r","tags":[]}""")]
    [TestCase("""{"category":"Technical Support","priority":"low","sentiment":"neutral","language":"xx","confidence":0.9,"reason":"r","tags":[]}""")]
    [TestCase("""{"category":"Technical Support","priority":"low","sentiment":"neutral","language":"en","confidence":1.5,"reason":"r","tags":[]}""")]
    [TestCase("""{"category":"Technical Support","priority":"low","sentiment":"neutral","language":"en","confidence":"0.9","reason":"r","tags":[]}""")]
    [TestCase("""{"category":"Technical Support","priority":"low","sentiment":"neutral","language":"en","confidence":0.9,"tags":[]}""")]
    [TestCase("""{"category":"Technical Support","priority":"low","sentiment":"neutral","language":"en","confidence":0.9,"reason":"r","tags":"a,b"}""")]
    [TestCase("""{"category":"Technical Support","priority":"low","sentiment":"neutral","language":"en","confidence":0.9,"reason":"r","tags":[],"action":"delete-ticket"}""")]
    public void Anything_else_is_a_failed_call(string answer)
    {
        var e = Assert.Throws<LlmCallException>(() => LlmAnswerParser.Parse(answer, Taxonomy));
        Assert.That(e!.Outcome, Is.EqualTo("invalid_answer"));
    }
}
