using System.Security.Cryptography;
using System.Text;
using Agents.Harness;
using Agents.Replay;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

/// <summary>
/// The real labelled file (../shared/data/tickets/multilang_dev.csv, read in place) reads the same whatever CSV
/// reader sits under <see cref="ReplayInput"/>: 700 tickets, quoted multi-line bodies, bodies with doubled quotes,
/// 72 empty subjects. The expected figures and the digest of every field were taken with Python's csv module, an
/// RFC 4180 reader independent of ours, and matched the hand-written reader this one replaced.
/// </summary>
public class ReplayRealFileTests
{
    private static IReadOnlyList<ReplayTicket> _tickets = null!;

    [OneTimeSetUp]
    public void ReadFile()
    {
        var file = RepositoryPaths.SharedData is { } data ? Path.Combine(data, "tickets", "multilang_dev.csv") : null;
        if (file is null || !File.Exists(file))
        {
            const string why = "../shared/data/tickets/multilang_dev.csv is not present.";
            if (TestServers.RunningUnderCi)
                Assert.Fail(why + " CI clones the repository beside shared/: it must be there.");
            Assert.Ignore(why);
        }
        _tickets = ReplayInput.Read(file!);
    }

    [Test]
    public void Every_row_is_one_ticket_and_every_field_reads_as_an_independent_RFC_4180_reader_reads_it()
    {
        Assert.That(_tickets, Has.Count.EqualTo(700));
        Assert.That(_tickets.Count(t => t.Subject.Length == 0), Is.EqualTo(72), "empty subjects stay empty");
        Assert.That(Digest(_tickets), Is.EqualTo("26e665bc32ac03ca7b2832499e2a027fb9e604c16e290f2a2d82256dac6d0874"));
    }

    [Test]
    public void Quoted_multi_line_fields_empty_subjects_and_labels_read_as_written()
    {
        Assert.That((_tickets[0].Id, _tickets[0].Subject, _tickets[0].Category, _tickets[0].Priority, _tickets[0].Language),
            Is.EqualTo(("1", "Problema crítico del servidor requiere atención inmediata", "Technical Support", "high", "es")));
        Assert.That(_tickets[1].Body, Does.StartWith("Sehr geehrter Kundenservice,\n\nich hoffe, diese E-M"), "line breaks inside quotes");
        Assert.That(_tickets[1].Body.Count(c => c == '\n'), Is.EqualTo(7));
        Assert.That(_tickets[18].Subject, Is.Empty);
        Assert.That(_tickets[18].Body, Does.StartWith("Dear Customer Support, \n\nI hope this message finds").And.EndWith("Best regards, \n<name>"));
        Assert.That(_tickets[121].Body, Does.Contain("als \"Servicegebühren\" gekennzeichneten"), "doubled quotes read as one");
        Assert.That(_tickets[533].Body, Does.Contain("labeled as \"Service Fees.\" These"));
        Assert.That((_tickets[699].Id, _tickets[699].Subject, _tickets[699].Priority), Is.EqualTo(("700", "Issue with AWS Billing", "high")));
        Assert.That(_tickets.Any(t => t.Body.Contains('\r')), Is.False, "the file's CRLF row ends are not part of any field");
    }

    /// <summary>SHA-256 over every ticket's fields (unit separator between fields, record separator after each, ␀ for none).</summary>
    private static string Digest(IEnumerable<ReplayTicket> tickets)
    {
        var text = new StringBuilder();
        foreach (var t in tickets)
            text.AppendJoin('\u001f', new[] { t.Id, t.Subject, t.Body, t.Category, t.Priority, t.Language }.Select(v => v ?? "\u2400")).Append('\u001e');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
