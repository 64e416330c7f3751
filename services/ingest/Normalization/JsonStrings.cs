using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Agents.Ingest.Normalization;

/// <summary>
/// A JSON string's text, whatever escapes it holds. <see cref="JsonElement.GetString"/> throws for an escaped lone
/// surrogate (<c>"\ud800"</c>), which any sender can put in a payload, and an exception here would be a 5xx; read
/// here, it is kept as the character, for <see cref="PlainText.Clean"/> to drop like any other lone surrogate.
/// </summary>
public static class JsonStrings
{
    public static string Read(JsonElement value)
    {
        try
        {
            return value.GetString() ?? "";
        }
        catch (InvalidOperationException)
        {
            return Unescape(value.GetRawText());
        }
    }

    /// <summary>The raw text of a string the parser already validated: quotes around it, every escape well formed.</summary>
    private static string Unescape(string quoted)
    {
        var text = new StringBuilder(quoted.Length);
        for (var i = 1; i < quoted.Length - 1; i++)
        {
            var c = quoted[i];
            if (c != '\\')
            {
                text.Append(c);
                continue;
            }
            var escaped = quoted[++i];
            if (escaped == 'u')
            {
                text.Append((char)ushort.Parse(quoted.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 4;
                continue;
            }
            text.Append(escaped switch { 'b' => '\b', 'f' => '\f', 'n' => '\n', 'r' => '\r', 't' => '\t', _ => escaped });
        }
        return text.ToString();
    }
}
