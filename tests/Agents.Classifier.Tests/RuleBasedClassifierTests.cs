using Agents.Classifier.Rules;
using Agents.Testing;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

public class RuleBasedClassifierTests
{
    private static readonly RuleBasedClassifier Rules = new(RuleBasedClassifier.Load(
        Path.Combine(RepositoryPaths.Root, "services", "classifier", "rules.json")));

    [TestCase("The invoice charged my card twice, please refund", "en", "Billing and Payments")]
    [TestCase("Ich habe eine doppelte Abbuchung auf meiner Rechnung, bitte um Erstattung", "de", "Billing and Payments")]
    [TestCase("El pedido llegó dañado, quiero una devolución o un reemplazo", "es", "Returns and Exchanges")]
    [TestCase("Je voudrais un devis et connaître le prix de la licence", "fr", "Sales and Pre-Sales")]
    [TestCase("O serviço está fora do ar desde ontem, manutenção programada?", "pt", "Service Outages and Maintenance")]
    public void Detects_language_and_category(string body, string language, string category)
    {
        var c = Rules.Classify("", body);
        Assert.Multiple(() =>
        {
            Assert.That(c.Language, Is.EqualTo(language));
            Assert.That(c.Category, Is.EqualTo(category));
            Assert.That(c.ClassifiedBy, Is.EqualTo("rules"));
        });
    }

    [TestCase("Production is down for all users, we have data loss", "urgent")]
    [TestCase("Urgent: the server keeps crashing", "high")]
    [TestCase("Dringend: der Server stürzt ständig ab", "high")]
    [TestCase("A question about the availability of more storage options", "low")]
    [TestCase("The printer prints streaks on every page", "medium")]
    public void Priority_from_urgency_cues(string body, string priority) =>
        Assert.That(Rules.Classify("", body).Priority, Is.EqualTo(priority));

    [Test]
    public void No_cue_means_low_confidence()
    {
        var c = Rules.Classify("hello", "zzz qqq");
        Assert.That(c.Confidence, Is.LessThan(0.7));
    }
}
