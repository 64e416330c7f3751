using System.Net;
using System.Text;
using System.Text.Json;
using Agents.Contracts;

namespace Agents.Writer.Crm;

/// <summary>
/// What the vendor adapters share: send one JSON request, turn the answer into success or a
/// <see cref="CrmWriteException"/> (retryable for 409/429/5xx/timeouts, with the vendor's Retry-After).
/// Authentication is set on the HttpClient at registration (see <see cref="CrmRegistration"/>), never here.
/// </summary>
public abstract class HttpCrmAdapter(HttpClient http) : ICrmAdapter
{
    private const int ErrorTextLength = 300;

    public abstract string Name { get; }

    public abstract Task ApplyAsync(ApplyWrite write, CancellationToken cancellationToken);

    protected static HttpContent Json(object body) =>
        new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    protected async Task<string> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CrmWriteException($"{Name}: {e.HttpRequestError} ({e.Message})", retryable: true);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CrmWriteException($"{Name}: no answer within {http.Timeout.TotalSeconds:0}s", retryable: true);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
                return body;
            var status = (int)response.StatusCode;
            var reason = $"{Name} answered {status} {response.ReasonPhrase} to {request.Method} {request.RequestUri?.AbsolutePath}: " +
                (body.Length > ErrorTextLength ? body[..ErrorTextLength] + "…" : body);
            var retryable = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.Conflict or HttpStatusCode.RequestTimeout
                || status >= 500;
            throw new CrmWriteException(reason, retryable, RetryAfter(response));
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
            return delta;
        if (header?.Date is { } date)
            return date - DateTimeOffset.UtcNow;
        return null;
    }

    /// <summary>Our four priorities as the caller's vendor names them.</summary>
    protected static string Priority(ApplyWrite write, IReadOnlyDictionary<string, string> names)
    {
        var ours = Change(write, "priority").Trim().ToLowerInvariant();
        return names.TryGetValue(ours, out var theirs)
            ? theirs
            : throw new CrmWriteException($"Unknown priority '{ours}' for write {write.IdempotencyKey}.", retryable: false);
    }

    protected static IReadOnlyList<string> Tags(ApplyWrite write) =>
        Change(write, "tags").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    protected static string Change(ApplyWrite write, string field) =>
        write.Changes.TryGetValue(field, out var value)
            ? value
            : throw new CrmWriteException($"Write {write.IdempotencyKey} ({write.Kind}) has no '{field}' change.", retryable: false);

    protected static CrmWriteException Unsupported(ApplyWrite write, string adapter) =>
        new($"{adapter} cannot apply a {write.Kind} write.", retryable: false);
}
