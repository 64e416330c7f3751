using System.Globalization;

namespace Agents.Classifier.Llm;

/// <summary>
/// How long a 429 asks us to wait, read totally: whatever the headers hold, the answer is a wait from zero to
/// <see cref="Longest"/>, or null when no header is usable. OpenAI's <c>retry-after-ms</c> comes first, then
/// <c>Retry-After</c> as seconds or an HTTP date. A date in the past is zero (the server's clock may be behind ours);
/// NaN, infinities and negative numbers are not a wait; anything longer than <see cref="Longest"/> is that.
/// </summary>
public static class RetryAfterHeader
{
    public static readonly TimeSpan Longest = TimeSpan.FromDays(1);

    public static TimeSpan? Read(string? retryAfterMs, string? retryAfter, DateTimeOffset now)
    {
        if (Number(retryAfterMs) is { } millis)
            return Bounded(millis);
        if (Number(retryAfter) is { } seconds)
            return Bounded(seconds * 1000);
        // An HTTP date (RFC 9110's IMF-fixdate): a looser parse would read "1,5" as the fifth of January.
        if (retryAfter is not null && DateTimeOffset.TryParseExact(retryAfter.Trim(), "r", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var at))
            return Bounded(Math.Max(0, (at - now).TotalMilliseconds));
        return null;
    }

    private static double? Number(string? value) =>
        value is not null && double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            && double.IsFinite(n) && n >= 0
            ? n
            : null;

    private static TimeSpan Bounded(double milliseconds) =>
        milliseconds >= Longest.TotalMilliseconds ? Longest : TimeSpan.FromMilliseconds(milliseconds);
}
