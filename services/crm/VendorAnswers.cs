using System.Globalization;
using System.Net;

namespace Agents.Crm;

/// <summary>
/// How a vendor's refusal is read, for writes and reads alike: whether it is worth another attempt, and when.
/// </summary>
public static class VendorAnswers
{
    /// <summary>
    /// 408, 409, 429 and 5xx are worth another attempt, as long as Retry-After asks; every other 4xx is the vendor's
    /// final no.
    /// </summary>
    public static (bool Retryable, TimeSpan? RetryAfter) Classify(HttpResponseMessage response) =>
        (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.Conflict or HttpStatusCode.RequestTimeout
            || (int)response.StatusCode >= 500, RetryAfter(response));

    /// <summary>
    /// GitHub signals its rate limits with 403 or 429 and <c>x-ratelimit-remaining: 0</c> (wait for
    /// <c>x-ratelimit-reset</c>) or <c>Retry-After</c>; anything else as <see cref="Classify"/>.
    /// </summary>
    public static (bool Retryable, TimeSpan? RetryAfter) ClassifyGitHub(HttpResponseMessage response)
    {
        if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests)
        {
            if (RetryAfter(response) is { } asked)
                return (true, asked);
            if (Header(response, "x-ratelimit-remaining") == "0")
                // The reset is a whole second (epoch): wait until it has passed.
                return (true, long.TryParse(Header(response, "x-ratelimit-reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var reset)
                    ? DateTimeOffset.FromUnixTimeSeconds(reset + 1) - DateTimeOffset.UtcNow
                    : null);
        }
        return Classify(response);
    }

    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
            return delta;
        if (header?.Date is { } date)
            return date - DateTimeOffset.UtcNow;
        return null;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
