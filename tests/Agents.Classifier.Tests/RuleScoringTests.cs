using Agents.Classifier.Rules;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

/// <summary>How a rule scores: cue sets with their own weights, evidence against, the subject bonus, whole words.</summary>
public class RuleScoringTests
{
    private static PreparedText Text(string s) => PreparedText.From(s);

    private static double Score(WeightedRule rule, string subject, string body) =>
        new RuleMatcher(rule).Score(Text($"{subject}\n{body}"), Text(subject), "en").Score;

    private static PriorityRule High(double subjectBonus = 0) => new()
    {
        Priority = "high",
        Weight = 1,
        Keywords = new() { ["en"] = ["immediate"] },
        SubjectBonus = subjectBonus,
        Cues =
        [
            new CueSet { Weight = 2, Keywords = new() { ["en"] = ["urgent"] } },
            new CueSet { Weight = 0.5, Keywords = new() { ["en"] = ["disrupt"] }, Patterns = [@"\bis down\b"] },
            new CueSet { Weight = -0.5, Keywords = new() { ["en"] = ["request"] } },
        ],
    };

    [TestCase("", "nothing to see", 0)]
    [TestCase("", "immediate help", 1)]
    [TestCase("", "urgent and immediate", 3)]
    [TestCase("", "disruptions, the site is down", 1)]
    [TestCase("", "a request: immediate and disrupting", 1)]
    [TestCase("", "urgent urgent URGENT", 2)]
    public void Cue_sets_add_their_weights_and_each_distinct_hit_counts_once(string subject, string body, double expected) =>
        Assert.That(Score(High(), subject, body), Is.EqualTo(expected));

    [Test]
    public void A_hit_in_the_subject_counts_the_bonus_more()
    {
        Assert.That(Score(High(subjectBonus: 1), "Urgent", "the site is down"), Is.EqualTo(2 + 0.5 + 2));
        Assert.That(Score(High(subjectBonus: 1), "Request", "urgent"), Is.EqualTo(2 - 0.5 - 0.5), "evidence against counts more too");
        Assert.That(Score(High(subjectBonus: 0), "Urgent", "the site is down"), Is.EqualTo(2.5));
    }

    [Test]
    public void Evidence_against_a_rule_is_not_given_as_its_reason()
    {
        var score = new RuleMatcher(High()).Score(Text("request for immediate help"), Text(""), "en");
        Assert.That(score.Hits, Is.EqualTo(new[] { "immediate" }));
    }

    [TestCase("a fee of 5 euros", true)]
    [TestCase("Fee: 5 euros", true)]
    [TestCase("feel free to call", false)]
    [TestCase("fees", false)]
    public void A_keyword_ending_in_a_dollar_sign_matches_the_whole_word_only(string text, bool hit)
    {
        var matcher = new TextMatcher(new CueSet { Keywords = new() { ["*"] = ["fee$"] } });
        Assert.That(matcher.Hits(Text(text), "en"), hit ? Has.Count.EqualTo(1) : Is.Empty);
    }

    [TestCase("Rechnung", "rechnung")]
    [TestCase("Die Facturación", "factur")]
    public void A_keyword_matches_at_a_word_start_case_and_accents_ignored(string text, string keyword) =>
        Assert.That(new TextMatcher(new CueSet { Keywords = new() { ["*"] = [keyword] } }).Hits(Text(text), "de"), Has.Count.EqualTo(1));

    [Test]
    public void Keywords_of_another_language_do_not_count()
    {
        var matcher = new TextMatcher(new CueSet { Keywords = new() { ["de"] = ["dringend"], ["*"] = ["asap"] } });
        Assert.That(matcher.Hits(Text("dringend asap"), "en"), Is.EqualTo(new[] { "asap" }));
        Assert.That(matcher.Hits(Text("dringend asap"), "de"), Is.EquivalentTo(new[] { "asap", "dringend" }));
    }

    [Test]
    public void A_pattern_that_runs_out_of_time_is_no_hit_and_the_other_cues_still_count()
    {
        // Nested quantifiers on a long run without the final match: catastrophic backtracking.
        var matcher = new TextMatcher(new CueSet
        {
            Keywords = new() { ["*"] = ["invoice"] },
            Patterns = ["^(a+)+$", "invoice"],
        }, matchTimeout: TimeSpan.FromMilliseconds(50));
        var hits = matcher.Hits(Text("invoice " + new string('a', 40) + "!"), "en");
        Assert.That(hits, Is.EquivalentTo(new[] { "invoice", "invoice" }));
    }
}
