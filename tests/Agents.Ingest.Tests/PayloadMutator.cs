using System.Text;
using System.Text.Json.Nodes;

namespace Agents.Ingest.Tests;

/// <summary>One mutated delivery: the bytes, the headers that go with them, and what was done (to reproduce it).</summary>
public sealed record MutatedPayload(byte[] Body, Dictionary<string, string> Headers, string Steps);

/// <summary>
/// Mutates real vendor payloads the ways broken senders, proxies and attackers do: bytes flipped, cut, repeated or
/// spliced from another payload; JSON values swapped for naughty strings, huge numbers, other types or deep nesting;
/// fields removed or renamed; the root wrapped; batches grown; event and signature headers garbled. Deterministic for
/// a seed, so a failing case is named by (seed, index) and runs again.
/// </summary>
public sealed class PayloadMutator(IReadOnlyList<byte[]> seeds, int seed)
{
    private static readonly string[] HeaderNames =
    [
        "x-github-event", "x-github-delivery", "x-groove-event", "x-atlassian-webhook-identifier", "webhook-id", "webhook-timestamp",
        "webhook-signature", "x-hub-signature", "x-hub-signature-256", "x-zendesk-webhook-signature", "x-zendesk-webhook-signature-timestamp",
        "x-front-signature", "x-front-request-timestamp", "x-front-challenge", "x-hubspot-signature-v3", "x-hubspot-signature",
        "x-hubspot-signature-version", "x-hubspot-request-timestamp", "x-webhook-secret", "authorization",
    ];

    private static readonly string[] HeaderValues =
    [
        "", " ", "issues", "issue_comment", "ping", "push", "ticket_started", "v1,", "v1,AAAA", "sha256=", "sha256=zz", "sha1=00", "Basic",
        "Basic !!!", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("user:")), "-1", "0", "99999999999999999999", "1e400",
        "NaN", "2026-13-45T99:99:99Z", "Tue, 31 Feb 2026 25:00:00 GMT", "v2", "v3", "\u00e9\u00e8", "%00", "${jndi:x}",
    ];

    public int Seed => seed;

    public MutatedPayload Mutate(int index)
    {
        var random = new Random(HashCode.Combine(seed, index));
        var origin = random.Next(seeds.Count);
        var body = seeds[origin];
        var steps = new List<string> { $"seed payload {origin}" };
        var rounds = 1 + random.Next(3);
        for (var i = 0; i < rounds; i++)
            body = MutateOnce(body, random, steps);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = random.Next(4); i > 0; i--)
        {
            var name = HeaderNames[random.Next(HeaderNames.Length)];
            headers[name] = random.Next(4) == 0 ? RandomText(random, 40) : HeaderValues[random.Next(HeaderValues.Length)];
        }
        return new MutatedPayload(body, headers, string.Join("; ", steps));
    }

    private byte[] MutateOnce(byte[] body, Random random, List<string> steps)
    {
        if (random.Next(3) > 0 && TryParse(body) is { } node)
        {
            try
            {
                var (mutated, what) = MutateJson(node, random);
                steps.Add(what);
                return Encoding.UTF8.GetBytes(mutated);
            }
            catch (InvalidOperationException)
            {
                // The tree cannot hold what an earlier step made (an escaped lone surrogate in a name): bytes instead.
            }
        }
        var at = body.Length == 0 ? 0 : random.Next(body.Length);
        var length = body.Length == 0 ? 0 : random.Next(1, Math.Min(64, body.Length - at) + 1);
        switch (random.Next(6))
        {
            case 0:
                steps.Add($"flip bit at {at}");
                if (body.Length == 0) return [(byte)random.Next(256)];
                var flipped = (byte[])body.Clone();
                flipped[at] ^= (byte)(1 << random.Next(8));
                return flipped;
            case 1:
                steps.Add($"delete {length} bytes at {at}");
                return [.. body[..at], .. body[(at + length)..]];
            case 2:
                steps.Add($"repeat {length} bytes at {at}");
                return [.. body[..(at + length)], .. body[at..]];
            case 3:
                var junk = new byte[random.Next(1, 17)];
                random.NextBytes(junk);
                steps.Add($"insert {junk.Length} random bytes at {at}");
                return [.. body[..at], .. junk, .. body[at..]];
            case 4:
                steps.Add($"cut at {at}");
                return body[..at];
            default:
                var other = seeds[random.Next(seeds.Count)];
                var from = other.Length == 0 ? 0 : random.Next(other.Length);
                var take = Math.Min(other.Length - from, random.Next(1, 200));
                steps.Add($"splice {take} bytes of another payload at {at}");
                return [.. body[..at], .. other.AsSpan(from, take), .. body[(at + length)..]];
        }
    }

    private static (string Json, string What) MutateJson(JsonNode root, Random random)
    {
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = nodes[random.Next(nodes.Count)];
        var path = target.GetPath();
        switch (random.Next(7))
        {
            case 0 or 1 when target.Parent is not null:
                var value = RandomValue(random);
                Replace(target, value);
                return (root.ToJsonString(), $"set {path} to {Describe(value)}");
            case 2 when target.Parent is JsonObject parent:
                parent.Remove(target.GetPropertyName());
                return (root.ToJsonString(), $"remove {path}");
            case 3 when target.Parent is JsonObject renamed:
                var name = target.GetPropertyName();
                renamed.Remove(name);
                renamed[name.ToUpperInvariant() + "_"] = target;
                return (root.ToJsonString(), $"rename {path}");
            case 4 when target is JsonArray array && array.Count > 0:
                var item = array[random.Next(array.Count)];
                var copies = random.Next(2, 60);
                for (var i = 0; i < copies; i++)
                    array.Add(item?.DeepClone());
                return (root.ToJsonString(), $"repeat an item of {path} {copies} times");
            case 5:
                var depth = random.Next(1, 80);
                var wrapped = random.Next(2) == 0
                    ? string.Concat(Enumerable.Repeat("[", depth)) + root.ToJsonString() + string.Concat(Enumerable.Repeat("]", depth))
                    : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + root.ToJsonString() + string.Concat(Enumerable.Repeat("}", depth));
                return (wrapped, $"wrap the root {depth} deep");
            default:
                if (nodes.Count > 2 && target.Parent is not null)
                {
                    var other = nodes[random.Next(nodes.Count)];
                    if (other != target && other.Parent is not null && !IsAncestor(target, other) && !IsAncestor(other, target))
                    {
                        var a = target.DeepClone();
                        Replace(target, other.DeepClone());
                        Replace(other, a);
                        return (root.ToJsonString(), $"swap {path} and {other.GetPath()}");
                    }
                }
                var replacement = RandomValue(random);
                if (target.Parent is null)
                    return (replacement?.ToJsonString() ?? "null", $"replace the root with {Describe(replacement)}");
                Replace(target, replacement);
                return (root.ToJsonString(), $"set {path} to {Describe(replacement)}");
        }
    }

    private static JsonNode? RandomValue(Random random) => random.Next(10) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => JsonNode.Parse(new[] { "1e308", "-1e308", "123456789012345678901234567890", "-0", "0.000000000000000000001", "9223372036854775808", "-1" }[random.Next(7)]),
        3 => JsonValue.Create(random.NextDouble() * Math.Pow(10, random.Next(-5, 20))),
        4 => new JsonArray(JsonValue.Create(RandomText(random, 20)), JsonValue.Create(random.Next()), null, new JsonObject()),
        5 => new JsonObject { ["id"] = random.Next(), ["name"] = RandomText(random, 10), ["type"] = "doc", ["content"] = new JsonArray() },
        // Now and then past every bound (the body's 32K characters, the raw text's 128K), mostly shorter.
        6 => JsonValue.Create(new string((char)random.Next(32, 0x2FFF), random.Next(50) == 0 ? random.Next(33_000, 140_000) : random.Next(1, 3_000))),
        _ => JsonValue.Create(BadInputCorpus.NaughtyStrings[random.Next(BadInputCorpus.NaughtyStrings.Length)] + (random.Next(2) == 0 ? RandomText(random, 30) : "")),
    };

    /// <summary>Up to <paramref name="max"/> pieces of text that clean-up code must survive: control characters, lone surrogates, markup, entities, secrets, non-ASCII.</summary>
    public static string RandomText(Random random, int max)
    {
        var text = new StringBuilder();
        for (var i = random.Next(max); i > 0; i--)
            text.Append(random.Next(10) switch
            {
                0 => (char)random.Next(0, 32),
                1 => (char)random.Next(0xD800, 0xE000),
                2 => "<div><b>",
                3 => "</p>&nbsp;&#0;&amp;",
                4 => (char)random.Next(0x80, 0x10000),
                5 when random.Next(10) == 0 => " password: hunter2 4111 1111 1111 1111 ",
                _ => (char)random.Next(32, 127),
            });
        return text.ToString();
    }

    private static string Describe(JsonNode? value)
    {
        var json = value?.ToJsonString() ?? "null";
        return json.Length <= 40 ? json : $"{json[..40]}… ({json.Length} characters)";
    }

    private static void Replace(JsonNode target, JsonNode? value)
    {
        switch (target.Parent)
        {
            case JsonObject o:
                o[target.GetPropertyName()] = value;
                break;
            case JsonArray a:
                a[target.GetElementIndex()] = value;
                break;
        }
    }

    private static bool IsAncestor(JsonNode ancestor, JsonNode node)
    {
        for (var p = node.Parent; p is not null; p = p.Parent)
            if (p == ancestor) return true;
        return false;
    }

    private static void Collect(JsonNode? node, List<JsonNode> into)
    {
        if (node is null) return;
        into.Add(node);
        if (node is JsonObject o)
            foreach (var (_, child) in o) Collect(child, into);
        else if (node is JsonArray a)
            foreach (var child in a) Collect(child, into);
    }

    /// <summary>The payload as a tree to mutate, or null when it is not JSON (or repeats a property name, which the tree refuses).</summary>
    private static JsonNode? TryParse(byte[] body)
    {
        try
        {
            var node = JsonNode.Parse(body, documentOptions: new System.Text.Json.JsonDocumentOptions { MaxDepth = 256 });
            Collect(node, []);
            return node;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}
