using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Agents.Ingest.Normalization;
using Agents.ServiceDefaults.Redaction;

namespace Agents.Ingest.Quarantine;

/// <summary>
/// A refused body as it may be stored (quarantine, unverified sample): its secrets replaced by the shared
/// <see cref="Redactor"/>'s placeholders. A JSON body stays JSON of the same shape: each string value is redacted on
/// its own, as the normalizer redacts a subject or a body on its own, so a replay parses and yields the ticket the
/// original would have given (the normalizer leaves placeholders as they are). Anything else is redacted as text.
/// </summary>
public static partial class StoredBodyRedaction
{
    // The parser's own limit: a body nested deeper is refused there, so it is redacted as text here.
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    // Stored for an operator to read, never embedded in HTML: non-ASCII text stays readable.
    private static readonly JsonSerializerOptions StringOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Redact(byte[] body)
    {
        if (body.Length == 0)
            return body;
        if (Utf8.IsValid(body) && TryRedactJson(body) is { } json)
            return json;
        // Latin-1 maps every byte to one character and back, so bytes that are not UTF-8 survive untouched around
        // the (ASCII) placeholders.
        var encoding = Utf8.IsValid(body) ? Encoding.UTF8 : Encoding.Latin1;
        var text = encoding.GetString(body);
        // A cut JSON body still holds its escapes: "\n" read as a line break, not as letters glued to a word, and
        // "\u00AB" (a quote around a password, say) as a space, while an escaped letter stays part of its word.
        var redacted = Redactor.Redact(text, Escapes().Replace(text, EscapeView), contactDetails: false);
        return redacted.Total == 0 ? body : encoding.GetBytes(redacted.Text);
    }

    /// <summary>
    /// The body with each string value redacted, or null when it is not one strict JSON value. Only the redacted
    /// strings are rewritten; every other byte stays as it came (escapes, spacing, numbers), because the vendors'
    /// readers hash some raw values (a revision's update time) into the delivery id.
    /// </summary>
    private static byte[]? TryRedactJson(byte[] body)
    {
        var output = new ArrayBufferWriter<byte>(body.Length);
        var copied = 0;
        try
        {
            var reader = new Utf8JsonReader(body, ReaderOptions);
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.String)
                    continue;
                var value = reader.GetString()!;
                var redacted = RedactValue(value);
                if (ReferenceEquals(redacted, value))
                    continue;
                var start = (int)reader.TokenStartIndex;
                output.Write(body.AsSpan(copied, start - copied));
                output.Write(JsonSerializer.SerializeToUtf8Bytes(redacted, StringOptions));
                // The token is the quoted string as written: its raw (still escaped) bytes and two quotes.
                copied = start + reader.ValueSpan.Length + 2;
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not strict JSON, or a string no .NET string can hold (an escaped lone surrogate): text it is.
            return null;
        }
        if (copied == 0)
            return body;
        output.Write(body.AsSpan(copied));
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// One string value's secrets redacted, or the same instance when it has none. Addresses and phone numbers stay:
    /// they are fields a replay needs (the requester's address, in Groove inside a URL; a Jira date's timestamp
    /// looks like a number), and the normalizer takes them out of the text on replay as it does live. Markup is
    /// read as line breaks, as the normalizer reads an HTML body, and kept. A value of digits alone is a field too
    /// (an id, a Jira date's millisecond timestamp: one in ten passes a card's checksum); card numbers come in text.
    /// </summary>
    private static string RedactValue(string value)
    {
        if (value.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0)
            return value;
        var view = PlainText.LooksLikeHtml(value) ? Markup().Replace(value, m => new string('\n', m.Length)) : value;
        var redacted = Redactor.Redact(value, view, contactDetails: false);
        return redacted.Total == 0 ? value : redacted.Text;
    }

    /// <summary>An escape as the detectors read it, same length: a letter or digit as letters, anything else as spaces.</summary>
    private static string EscapeView(Match escape) =>
        escape.Length == 6 && char.IsLetterOrDigit((char)Convert.ToInt32(escape.Value[2..], 16))
            ? new string('x', escape.Length)
            : new string(' ', escape.Length);

    [GeneratedRegex(@"\\[nrtbf""/\\]|\\u[0-9a-fA-F]{4}")]
    private static partial Regex Escapes();

    [GeneratedRegex("<[^<>]*>")]
    private static partial Regex Markup();
}
