using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Agents.Crm.Reading;

/// <summary>
/// What the vendor readers share: one request through the CRM's rate limit (<see cref="CrmReadGate"/>), its answer
/// cached for <see cref="CrmReadingOptions.CacheFor"/>, and every failure turned into a <see cref="CrmReadException"/>
/// that says whether another attempt may succeed. The HttpClient is the vendor's named client, credentials included.
/// </summary>
public abstract class HttpCrmReader(IHttpClientFactory httpFactory, CrmReadGate gate, IMemoryCache cache, IOptions<CrmReadingOptions> options) : ICrmReader
{
    public abstract string Name { get; }

    /// <summary>The ticket source named as the CRM (<c>hubspot</c> tickets come from HubSpot).</summary>
    public IReadOnlySet<string> Sources => field ??= new HashSet<string> { Name };

    public abstract string? MissingSettings { get; }

    protected CrmReadingOptions Reading => options.Value;

    public abstract Task<CrmTicket> ReadTicketAsync(string externalId, CancellationToken cancellationToken);

    public abstract Task<IReadOnlyList<CrmTicketSummary>> RequesterTicketsAsync(CrmTicket ticket, CancellationToken cancellationToken);

    protected Task<JsonElement> GetJsonAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), path, cancellationToken);

    /// <summary>A read the vendor serves as a POST (HubSpot's batch read): same limit, same cache, keyed by the body too.</summary>
    protected Task<JsonElement> PostJsonAsync(string path, object body, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(body);
        return SendAsync(() => new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") },
            path + " " + json, cancellationToken);
    }

    /// <summary>How a refusal is read: a vendor that signals its rate limit otherwise (GitHub's 403) overrides this.</summary>
    protected virtual (bool Retryable, TimeSpan? RetryAfter) Classify(HttpResponseMessage response) => VendorAnswers.Classify(response);

    private async Task<JsonElement> SendAsync(Func<HttpRequestMessage> build, string cacheKey, CancellationToken cancellationToken)
    {
        var key = (Name, cacheKey);
        if (cache.TryGetValue(key, out JsonElement cached))
            return cached;

        await gate.WaitAsync(Name, cancellationToken);
        using var request = build();
        var http = httpFactory.CreateClient(Name);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CrmReadException($"{Name}: {e.HttpRequestError} reading {request.RequestUri?.AbsolutePath}", retryable: true);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CrmReadException($"{Name}: no answer within {http.Timeout.TotalSeconds:0}s reading {request.RequestUri?.AbsolutePath}", retryable: true);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var status = string.Create(CultureInfo.InvariantCulture, $"{(int)response.StatusCode} {response.ReasonPhrase}");
            if (!response.IsSuccessStatusCode)
            {
                var (retryable, retryAfter) = Classify(response);
                if (response.StatusCode == HttpStatusCode.TooManyRequests || retryAfter is not null)
                    gate.Pause(Name, retryAfter ?? TimeSpan.FromSeconds(1));
                // The vendor's error text is left out: some vendors echo the request, and a read's request may hold ticket text.
                throw new CrmReadException($"{Name} answered {status} to {request.Method} {request.RequestUri?.AbsolutePath}", retryable, retryAfter);
            }
            JsonElement json;
            try
            {
                using var document = JsonDocument.Parse(body);
                json = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                // A proxy's error page or a truncated answer: worth another attempt.
                throw new CrmReadException($"{Name} answered {status} to {request.Method} {request.RequestUri?.AbsolutePath} with a body that is not JSON", retryable: true);
            }
            cache.Set(key, json, Reading.CacheFor);
            return json;
        }
    }

    /// <summary>An answer without what every answer of this vendor has: the vendor changed, retrying will not help.</summary>
    protected CrmReadException Malformed(string what) => new($"{Name}: the answer has no {what}", retryable: false);

    protected static string Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : "";

    protected static string? Id(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.Number => value.GetRawText(),
                JsonValueKind.String => value.GetString(),
                _ => null,
            }
            : null;

    protected static DateTimeOffset? Time(JsonElement element, string property) =>
        DateTimeOffset.TryParse(Text(element, property), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    protected static IEnumerable<JsonElement> Array(JsonElement element, string? property = null)
    {
        var array = property is null ? element
            : element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) ? value : default;
        return array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];
    }

    protected static bool IsNumber(string id) => id.Length is > 0 and <= 20 && id.All(char.IsAsciiDigit);
}
