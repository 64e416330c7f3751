using System.Text;
using System.Text.Json;
using Agents.Contracts;
using Agents.Crm;

namespace Agents.Writer.Crm;

/// <summary>
/// What the vendor adapters share: send one JSON request, turn the answer into success or a
/// <see cref="CrmWriteException"/> (retryable for 408/409/429/5xx/timeouts, with the vendor's Retry-After).
/// Each adapter's HttpClient is the named client of its <see cref="Name"/>, which <see cref="CrmClients"/>
/// gives its address and credentials: they never pass through here.
/// </summary>
public abstract class HttpCrmAdapter(IHttpClientFactory httpFactory) : ICrmAdapter
{
    private const int ErrorTextLength = 300;

    public abstract string Name { get; }

    public abstract IReadOnlySet<string>? Sources { get; }

    public abstract string? MissingSettings { get; }

    /// <summary>The write kinds this vendor can take.</summary>
    protected abstract IReadOnlySet<string> Kinds { get; }

    public virtual string? CannotApply(string kind, string externalId) =>
        Kinds.Contains(kind) ? null : $"{Name} applies {string.Join(", ", Kinds.Order(StringComparer.Ordinal))} only";

    public abstract Task ApplyAsync(ApplyWrite write, CancellationToken cancellationToken);

    protected static HttpContent Json(object body) =>
        new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    protected async Task<string> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request, cancellationToken);
    }

    protected async Task<string> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var http = httpFactory.CreateClient(Name);
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
            var reason = $"{Name} answered {(int)response.StatusCode} {response.ReasonPhrase} to {request.Method} {request.RequestUri?.AbsolutePath}: " +
                (body.Length > ErrorTextLength ? body[..ErrorTextLength] + "…" : body);
            var (retryable, retryAfter) = Classify(response);
            throw new CrmWriteException(reason, retryable, retryAfter);
        }
    }

    /// <summary>
    /// Whether a refusal is worth another attempt, and when: 408, 409, 429 and 5xx are, as long as Retry-After asks;
    /// every other 4xx is the vendor's final no. A vendor that signals a rate limit otherwise (GitHub's 403) says so here.
    /// </summary>
    protected virtual (bool Retryable, TimeSpan? RetryAfter) Classify(HttpResponseMessage response) => VendorAnswers.Classify(response);

    /// <summary>
    /// Whether any item of a list the vendor pages oldest first (<c>per_page</c>, <c>page</c>: Freshdesk's conversations,
    /// GitHub's comments) matches, reading every page up to a bound.
    /// </summary>
    protected async Task<bool> AnyOnPagesAsync(string path, Func<JsonElement, bool> match, CancellationToken cancellationToken)
    {
        const int perPage = 100, pages = 20;
        for (var page = 1; page <= pages; page++)
        {
            using var json = JsonDocument.Parse(await GetAsync($"{path}?per_page={perPage}&page={page}", cancellationToken));
            if (json.RootElement.ValueKind != JsonValueKind.Array)
                return false;
            if (json.RootElement.EnumerateArray().Any(match))
                return true;
            if (json.RootElement.GetArrayLength() < perPage)
                return false;
        }
        return false;
    }

    /// <summary>Our four priorities as the caller's vendor names them.</summary>
    protected static T Priority<T>(ApplyWrite write, IReadOnlyDictionary<string, T> names)
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
