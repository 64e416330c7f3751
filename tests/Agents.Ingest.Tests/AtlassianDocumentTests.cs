using System.Text;
using System.Text.Json;
using Agents.Ingest.Normalization;
using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>Atlassian Document Format to plain text: every node kind Jira sends, and every way a document can be wrong.</summary>
[TestFixture]
public class AtlassianDocumentTests
{
    /// <summary>The converter's text, cleaned as the normalizer cleans it, and its warnings.</summary>
    private static (string Text, List<string> Warnings, bool Truncated) Convert(string json, int limit = 10_000, int maxDepth = 64)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = maxDepth });
        var warnings = new List<string>();
        var text = AtlassianDocument.ToText(document.RootElement, limit, warnings, out var truncated);
        return (PlainText.Clean(text), warnings, truncated);
    }

    private static string Doc(params string[] content) => $$"""{"version":1,"type":"doc","content":[{{string.Join(",", content)}}]}""";

    private static string Paragraph(string text) => $$"""{"type":"paragraph","content":[{"type":"text","text":{{JsonSerializer.Serialize(text)}}}]}""";

    private static string Item(string text) => $$"""{"type":"listItem","content":[{{Paragraph(text)}}]}""";

    [Test]
    public void Table_cells_that_are_not_objects_are_skipped_with_a_warning()
    {
        // Found by ParserFuzzTests: a row's cells were read without the object check every other node gets.
        var (text, warnings, _) = Convert(Doc(
            $$"""{"type":"table","content":[{"type":"tableRow","content":["loose text",[1,2],{"type":"tableCell","content":[{{Paragraph("kept")}}]}]}]}"""));
        Assert.That(text, Does.Contain("kept"));
        Assert.That(warnings, Does.Contain("ADF body: a node that is not an object was skipped"));
    }

    [Test]
    public void Paragraphs_and_headings_are_lines_and_hard_breaks_break_them()
    {
        var (text, warnings, _) = Convert(Doc(
            """{"type":"heading","attrs":{"level":1},"content":[{"type":"text","text":"Title"}]}""",
            """{"type":"paragraph","content":[{"type":"text","text":"one "},{"type":"text","text":"bold","marks":[{"type":"strong"},{"type":"em"}]},{"type":"hardBreak"},{"type":"text","text":"two"}]}""",
            """{"type":"paragraph"}""",
            Paragraph("three")));
        Assert.That(text, Is.EqualTo("Title\none bold\ntwo\nthree"));
        Assert.That(warnings, Is.Empty);
    }

    [Test]
    public void Bullet_ordered_nested_and_task_lists_are_marked_per_item()
    {
        var (text, warnings, _) = Convert(Doc(
            $$"""{"type":"orderedList","attrs":{"order":3},"content":[{{Item("third")}},{"type":"listItem","content":[{{Paragraph("fourth")}},{"type":"bulletList","content":[{{Item("nested a")}},{{Item("nested b")}}]}]}]}""",
            $$"""{"type":"bulletList","content":[{{Item("dot")}}]}""",
            """{"type":"taskList","attrs":{"localId":"l"},"content":[{"type":"taskItem","attrs":{"localId":"1","state":"DONE"},"content":[{"type":"text","text":"done"}]},{"type":"taskItem","attrs":{"localId":"2","state":"TODO"},"content":[{"type":"text","text":"to do"}]}]}""",
            """{"type":"decisionList","attrs":{"localId":"d"},"content":[{"type":"decisionItem","attrs":{"localId":"3","state":"DECIDED"},"content":[{"type":"text","text":"ship it"}]}]}"""));
        Assert.That(text, Is.EqualTo("3. third\n4. fourth\n- nested a\n- nested b\n- dot\n[x] done\n[ ] to do\n- ship it"));
        Assert.That(warnings, Is.Empty);
    }

    [Test]
    public void Code_blocks_keep_their_lines_and_tables_read_row_by_row()
    {
        var cell = (string type, string text) => $$"""{"type":"{{type}}","attrs":{},"content":[{{Paragraph(text)}}]}""";
        var (text, _, _) = Convert(Doc(
            """{"type":"codeBlock","attrs":{"language":"sql"},"content":[{"type":"text","text":"SELECT 1;\nSELECT 2;"}]}""",
            $$"""{"type":"table","content":[{"type":"tableRow","content":[{{cell("tableHeader", "Plan")}},{{cell("tableHeader", "Seats")}}]},{"type":"tableRow","content":[{{cell("tableCell", "Team")}},{"type":"tableCell","content":[{{Paragraph("10")}},{{Paragraph("(max)")}}]}]}]}""",
            Paragraph("after")));
        Assert.That(text, Is.EqualTo("SELECT 1;\nSELECT 2;\nPlan | Seats\nTeam | 10 (max)\nafter"));
    }

    [Test]
    public void Mentions_emoji_dates_statuses_cards_and_links_become_their_text()
    {
        var (text, warnings, _) = Convert(Doc(
            """{"type":"paragraph","content":[{"type":"mention","attrs":{"id":"5b10a2844c20165700ede21g","text":"@Ada"}},{"type":"text","text":" "},{"type":"mention","attrs":{"id":"abc"}},{"type":"text","text":" "},{"type":"emoji","attrs":{"shortName":":grinning:","text":"😀"}},{"type":"emoji","attrs":{"shortName":":awthanks:"}},{"type":"text","text":" due "},{"type":"date","attrs":{"timestamp":"1772532000000"}},{"type":"text","text":" "},{"type":"status","attrs":{"text":"IN REVIEW","color":"blue"}}]}""",
            """{"type":"paragraph","content":[{"type":"text","text":"docs","marks":[{"type":"link","attrs":{"href":"https://example.com/docs"}}]},{"type":"text","text":" and "},{"type":"text","text":"https://example.com/same","marks":[{"type":"link","attrs":{"href":"https://example.com/same"}}]},{"type":"text","text":" "},{"type":"inlineCard","attrs":{"url":"https://example.com/card"}}]}""",
            """{"type":"blockCard","attrs":{"url":"https://example.com/block"}}""",
            """{"type":"embedCard","attrs":{"url":"https://example.com/embed","layout":"center"}}""",
            """{"type":"inlineCard","attrs":{"data":{"@type":"Document","name":"Design doc"}}}"""));
        Assert.That(text, Is.EqualTo(
            "@Ada @abc 😀:awthanks: due 2026-03-03 IN REVIEW\ndocs (https://example.com/docs) and https://example.com/same https://example.com/card\n" +
            "https://example.com/block\nhttps://example.com/embed\nDesign doc"));
        Assert.That(warnings, Is.Empty);
    }

    [Test]
    public void Unknown_node_types_give_their_text_children_and_are_named_once_in_a_bounded_warning()
    {
        var unknown = Enumerable.Range(1, 8).Select(i => $$"""{"type":"future{{i}}<b>","content":[{{Paragraph("kept " + i)}}]}""");
        var (text, warnings, _) = Convert(Doc([.. unknown, """{"type":"future1<b>","content":[{"type":"text","text":"again"}]}"""]));
        Assert.That(text, Is.EqualTo("kept 1\nkept 2\nkept 3\nkept 4\nkept 5\nkept 6\nkept 7\nkept 8\nagain"));
        Assert.That(warnings, Is.EqualTo(new[] { "ADF body: node types not known, their text kept: future1b, future2b, future3b, future4b, future5b and 3 more" }));
    }

    [TestCase("""{"type":"doc","content":"not a list"}""", "", "content that is not a list was skipped")]
    [TestCase("""{"type":"doc","content":[1,"a",null,true,[],{"type":"paragraph","content":[{"type":"text","text":"ok"}]}]}""", "ok", "a node that is not an object was skipped")]
    [TestCase("""{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":5},{"type":"text"},{"type":"text","text":"ok"}]}]}""", "ok", "a text node without text was skipped")]
    [TestCase("""{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"ok","marks":"bold"}]}]}""", "ok", "marks that are not a list were ignored")]
    [TestCase("""{"type":"doc","content":[{"content":[{"type":"text","text":"typeless"}]},{"type":7,"content":[{"type":"text","text":"numbered"}]}]}""", "typelessnumbered", "a node without a type was read for its text")]
    [TestCase("""{"type":"paragraph","content":[{"type":"text","text":"no doc"}]}""", "no doc", "the document's type is not \"doc\"; its text was read anyway")]
    [TestCase("""{}""", "", "the document's type is not \"doc\"; its text was read anyway")]
    [TestCase("""{"type":"doc","content":[{"type":"date","attrs":{"timestamp":"soon"}},{"type":"paragraph","content":[{"type":"text","text":"ok"}]}]}""", "ok", "a date without a timestamp was skipped")]
    [TestCase("""{"type":"doc","content":[{"type":"orderedList","attrs":{"order":"x"},"content":[{"type":"listItem"},{"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"b"}]}]}]},{"type":"tableRow","content":5},{"type":"mention"},{"type":"emoji","attrs":5},{"type":"status"}]}""", "1.\n2. b\n@someone", "content that is not a list was skipped")]
    public void Malformed_documents_keep_what_text_they_have_and_say_what_was_wrong(string json, string expected, string warning)
    {
        var (text, warnings, _) = Convert(json);
        Assert.That(text, Is.EqualTo(expected));
        Assert.That(warnings, Does.Contain("ADF body: " + warning));
    }

    [Test]
    public void Nesting_past_the_shared_bound_keeps_its_text_without_structure_and_without_recursion()
    {
        // Ingest's JSON parser stops at 64 levels; the converter is bounded on its own, by the HTML path's bound.
        // (Four times the bound is plenty: JsonDocument itself takes quadratic time in depth to parse.)
        const int depth = 4 * TextBounds.MaxNestingDepth;
        var json = new StringBuilder(Doc().TrimEnd(']', '}'));
        for (var i = 0; i < depth; i++) json.Append("""{"type":"blockquote","content":[""");
        json.Append("""{"type":"text","text":"deep"}""");
        for (var i = 0; i < depth; i++) json.Append("]}");
        json.Append("]}");
        var (text, warnings, _) = Convert(json.ToString(), maxDepth: 2 * depth + 10);
        Assert.That(text, Is.EqualTo("deep"));
        Assert.That(warnings, Is.EqualTo(new[] { $"ADF body: nested deeper than {TextBounds.MaxNestingDepth} levels; the deeper text is kept without structure" }));
        Assert.That(PlainText.MaxParsedDepth, Is.EqualTo(TextBounds.MaxNestingDepth), "one bound for HTML and documents");
    }

    [Test]
    public void Output_stops_at_the_limit_and_never_inside_a_surrogate_pair()
    {
        // Two paragraphs and their line breaks are 22 characters; 31 cuts the third between the emoji's surrogates.
        var (text, _, truncated) = Convert(Doc(Enumerable.Repeat(Paragraph("abcdefgh😀"), 1_000).ToArray()), limit: 31);
        Assert.That(truncated, Is.True);
        Assert.That(text, Is.EqualTo("abcdefgh😀\nabcdefgh😀\nabcdefgh"));
        var (_, _, small) = Convert(Doc(Paragraph("fits")), limit: 25);
        Assert.That(small, Is.False);
    }

    [Test]
    public void The_normalizer_bounds_a_document_as_it_bounds_html_and_warns_of_the_cut()
    {
        using var document = JsonDocument.Parse(Doc(Enumerable.Repeat(Paragraph(new string('x', 100)), 100).ToArray()));
        var draft = new TicketDraft { ExternalId = "SUP-1", EventKind = "jira:issue_created", Subject = "s", BodyDocument = document.RootElement, Body = "ignored wiki" };
        var ticket = TicketNormalizer.Normalize(draft, "jira", DateTimeOffset.UtcNow, 1_000, out _)!;
        Assert.That(ticket.Body, Has.Length.EqualTo(1_000).And.StartWith("xxxx").And.Not.Contains("ignored"));
        Assert.That(ticket.Warnings, Does.Contain("body truncated to 1000 characters").And.None.Contains("no body"));
    }
}
