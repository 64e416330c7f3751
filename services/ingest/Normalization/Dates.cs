using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Agents.Ingest.Normalization;

/// <summary>
/// The one date parser every source uses, for every shape vendors send: epoch seconds, fractional seconds and
/// milliseconds (as numbers or strings), ISO 8601 with <c>Z</c>, <c>+00:00</c> or <c>+0000</c>, <c>2017-12-14
/// 20:09:19 +0530</c>, and plain English such as <c>February 3, 2025</c>. No zone given means UTC.
/// </summary>
public static partial class Dates
{
    private static readonly DateTimeOffset Earliest = DateTimeOffset.UnixEpoch;
    private static readonly DateTimeOffset Latest = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset? Parse(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.TryGetDouble(out var n) ? FromEpoch(n) : null,
        JsonValueKind.String => Parse(JsonStrings.Read(value)),
        _ => null,
    };

    public static DateTimeOffset? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            return FromEpoch(number);
        if (text.Length > 64)
            return null;
        // "+0000" / "+0530" at the end (Jira, Groove): .NET wants "+00:00".
        var normalized = CompactOffset().Replace(text, "$1$2:$3");
        return DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed) && parsed >= Earliest && parsed <= Latest
            ? parsed
            : null;
    }

    /// <summary>Seconds (with a fraction) or, past the year 5138 in seconds, milliseconds since 1970.</summary>
    private static DateTimeOffset? FromEpoch(double number)
    {
        if (double.IsNaN(number) || double.IsInfinity(number) || number < 0)
            return null;
        var millis = number > 100_000_000_000 ? number : number * 1000;
        if (millis > (Latest - Earliest).TotalMilliseconds)
            return null;
        return Earliest.AddMilliseconds(Math.Round(millis));
    }

    [GeneratedRegex(@"(\s?)([+-]\d{2})(\d{2})$")]
    private static partial Regex CompactOffset();
}
