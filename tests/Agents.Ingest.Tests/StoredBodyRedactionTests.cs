using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Agents.Harness;
using Agents.Ingest.Quarantine;
using Agents.Ingest.Webhooks;
using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>
/// What the quarantine and the unverified sample store: every vendor's payload (ours and <c>../shared/data</c>'s) with
/// secrets planted in each of its sentences, redacted as stored. The stored body is still JSON, holds none of the
/// secrets, and a replay of it gives exactly the tickets the original gave (which the normalizer redacted too): same
/// ids, same delivery ids, same text with the same placeholders, so a replay is recognised as the same delivery.
/// </summary>
[TestFixture]
public class StoredBodyRedactionTests
{
    private const string Password = "Tr0ub4dor&3x";
    private const string Card = "4111 1111 1111 1111";
    private const string Iban = "DE89 3704 0044 0532 0130 00";
    // Inside the sentence, not at its end: Jira joins a text node to the mention after it without a space, and a
    // secret at such a seam is the README's named limit.
    private static readonly string Planted = $" My password is {Password}, card {Card}, IBAN {Iban}, thanks.";
    private static readonly DateTimeOffset ReceivedAt = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    public static IEnumerable<TestCaseData> Payloads()
    {
        var folders = new List<string> { Path.Combine(AppContext.BaseDirectory, "Fixtures") };
        if (RepositoryPaths.SharedData is { } data)
            folders.Add(Path.Combine(data, "webhooks"));
        else if (TestServers.RunningUnderCi)
            throw new InvalidOperationException("../shared/data is missing: under CI its real deliveries are replayed too.");
        return folders.Where(Directory.Exists).SelectMany(f => Directory.GetFiles(f, "*.json"))
            .Where(f => !f.EndsWith("_test_vectors.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(f).SetArgDisplayNames($"{Path.GetFileName(Path.GetDirectoryName(f))}/{Path.GetFileName(f)}"));
    }

    [TestCaseSource(nameof(Payloads))]
    public void A_replay_of_the_stored_body_gives_the_tickets_the_original_gave_and_the_secrets_are_gone(string file)
    {
        var source = Fixtures.SourceOf(file);
        var tickets = Parse(source, file, File.ReadAllBytes(file)).Tickets;
        var text = string.Join('\n', tickets.Select(t => t.Subject + "\n" + t.Body));
        var names = tickets.Select(t => t.Requester?.Name).OfType<string>().ToHashSet();
        var planted = PlantInSentences(File.ReadAllText(file), text, names, out var sentences);
        var stored = StoredBodyRedaction.Redact(planted);
        var storedText = Encoding.UTF8.GetString(stored);

        var original = Parse(source, file, planted);
        var replayed = Parse(source, file, stored);

        Assert.Multiple(() =>
        {
            if (sentences == 0)
                Assert.That(original.Tickets.All(t => t.NeedsHydration), "only a payload that carries no text has no sentence to plant secrets in");
            Assert.DoesNotThrow(() => JsonDocument.Parse(stored).Dispose(), "the stored body is JSON");
            foreach (var secret in new[] { Password, Card, Card.Replace(" ", ""), Iban, Iban.Replace(" ", "") })
                Assert.That(storedText, Does.Not.Contain(secret), "a planted secret stored");
            Assert.That(replayed.Status, Is.EqualTo(original.Status), replayed.Reason);
            Assert.That(Json(replayed), Is.EqualTo(Json(original)), "the replayed tickets");
            if (sentences > 0 && original.Tickets.Count > 0)
                Assert.That(Json(original), Does.Contain("[PASSWORD_1]").And.Contain("[CARD_1]"), "the secrets were in the ticket's text");
        });
    }

    [Test]
    public void A_body_that_is_not_json_is_redacted_as_text_and_its_other_bytes_are_kept()
    {
        var notUtf8 = new byte[] { 0xff, 0xfe, (byte)'\n' };
        var body = notUtf8.Concat(Encoding.UTF8.GetBytes($"{{\"cut\": \"short{Planted}")).ToArray();

        var stored = StoredBodyRedaction.Redact(body);

        Assert.Multiple(() =>
        {
            Assert.That(stored[..3], Is.EqualTo(notUtf8), "bytes that are not UTF-8 are kept as they were");
            var text = Encoding.Latin1.GetString(stored);
            Assert.That(text, Does.Not.Contain(Password).And.Not.Contain(Card).And.Not.Contain(Iban));
            Assert.That(text, Does.Contain("{\"cut\": \"short My password is [PASSWORD_1], card [CARD_1], IBAN [IBAN_1], thanks."));
        });
    }

    [Test]
    public void A_body_without_secrets_is_stored_byte_for_byte()
    {
        var body = Encoding.UTF8.GetBytes(Fixtures.Read("zendesk_trigger.json").Replace("\n", "\r\n"));
        Assert.That(StoredBodyRedaction.Redact(body), Is.EqualTo(body));
    }

    /// <summary>
    /// The secrets appended to every string value that reads like a sentence (a space, a dozen characters) of the
    /// ticket's text (its start is in the subject or body the original gives), not a requester's name (a field the
    /// normalizer keeps as it is). A secret that only the joined text
    /// shows (split over a mention and the words after it in a Jira document) is the README's named limit.
    /// </summary>
    private static byte[] PlantInSentences(string json, string ticketText, HashSet<string> names, out int sentences)
    {
        var root = JsonNode.Parse(json)!;
        var count = 0;
        Visit(root);
        sentences = count;
        return Encoding.UTF8.GetBytes(root.ToJsonString());

        void Visit(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (name, child) in o.ToList())
                        if (Planting(child) is { } replaced) o[name] = replaced;
                        else Visit(child);
                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                        if (Planting(a[i]) is { } replaced) a[i] = replaced;
                        else Visit(a[i]);
                    break;
            }
        }

        JsonNode? Planting(JsonNode? node)
        {
            if (node is not JsonValue v || !v.TryGetValue<string>(out var text) || text.Length < 12 || !text.Contains(' ', StringComparison.Ordinal)
                || text.StartsWith('@') || names.Contains(text) || !ticketText.Contains(Regex.Replace(text, "<[^<>]*>", "").Trim()[..10], StringComparison.Ordinal))
                return null;
            count++;
            return JsonValue.Create(text + Planted);
        }
    }

    private static WebhookOutcome Parse(string source, string file, byte[] body)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        var headers = new Dictionary<string, string> { ["x-atlassian-webhook-identifier"] = "8877", ["x-github-delivery"] = "d-1" };
        if (source == "github")
            headers["x-github-event"] = name.StartsWith("github_issue_comment", StringComparison.Ordinal) ? "issue_comment"
                : name.StartsWith("github_issues", StringComparison.Ordinal) ? "issues" : "ping";
        return WebhookParser.Parse(Deliveries.Source(source), Deliveries.Request(source, body, headers, at: ReceivedAt), 32 * 1024);
    }

    private static string Json(WebhookOutcome outcome) => JsonSerializer.Serialize(outcome.Tickets);
}
