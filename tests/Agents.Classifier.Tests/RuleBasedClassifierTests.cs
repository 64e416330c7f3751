using Agents.Classifier.Rules;
using Agents.Harness;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

public class RuleBasedClassifierTests
{
    private static readonly RuleBasedClassifier Rules = new(RuleBasedClassifier.Load(RepositoryPaths.ShippedRules));

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
    [TestCase("Critical: the export is broken and our operations are disrupted", "high")]
    [TestCase("We would like information about the critical security settings", "medium")]
    [TestCase("No rush, but the dark mode has a minor issue", "low")]
    public void Priority_from_urgency_cues(string body, string priority) =>
        Assert.That(Rules.Classify("", body).Priority, Is.EqualTo(priority));

    // Outages go to a person: urgent escalates.
    [TestCase("Our production is down since 9:00", "en")]
    [TestCase("Major outage: nobody can log in", "en")]
    [TestCase("The billing system is down again", "en")]
    [TestCase("Seit heute Morgen Systemausfall im ganzen Haus", "de")]
    [TestCase("Tenemos una caída del sistema desde esta mañana", "es")]
    [TestCase("Notre serveur est hors service depuis ce matin", "fr")]
    [TestCase("O sistema está fora do ar desde ontem", "pt")]
    public void Outage_cues_are_urgent_in_every_language(string body, string language)
    {
        var c = Rules.Classify("", body);
        Assert.That((c.Language, c.Priority), Is.EqualTo((language, "urgent")));
        Assert.That(Pipeline.EscalationPolicy.For(c, 0.7, llmConfigured: false)?.Kind, Is.EqualTo("urgent"));
    }

    [TestCase("Planned outage on Sunday night for the database upgrade, please confirm")]
    [TestCase("Please slow down the sync interval, it downloads too much")]
    public void Announced_maintenance_and_other_downs_are_not_outages(string body) =>
        Assert.That(Rules.Classify("", body).Priority, Is.Not.EqualTo("urgent"));

    [Test]
    public void Urgency_in_the_subject_counts_more_than_in_the_body()
    {
        const string body = "The export takes a long time. It is critical for the month-end report.";
        Assert.That(Rules.Classify("Export slow", body).Priority, Is.EqualTo("medium"), "one soft cue");
        Assert.That(Rules.Classify("Critical: export slow", body).Priority, Is.EqualTo("high"), "the same cue in the subject");
    }

    [Test]
    public void Whole_word_cues_do_not_match_longer_words()
    {
        var c = Rules.Classify("Charging problem", "My phone stopped charging. Feel free to call me.");
        Assert.That(c.Category, Is.Not.EqualTo("Billing and Payments"), "charging is not a charge, feel is not a fee");
        Assert.That(Rules.Classify("", "Please explain the fee on my last invoice").Category, Is.EqualTo("Billing and Payments"));
    }

    [Test]
    public void No_cue_means_low_confidence()
    {
        var c = Rules.Classify("hello", "zzz qqq");
        Assert.That(c.Confidence, Is.LessThan(0.7));
    }
}
