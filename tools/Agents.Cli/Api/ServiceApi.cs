using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Agents.Cli.Api;

/// <summary>One service's HTTP API with a bearer token: GET and POST, the answer whatever its status.</summary>
public sealed class ServiceApi(Uri baseUrl, string token) : IDisposable
{
    private readonly HttpClient _http = new()
    {
        BaseAddress = baseUrl,
        Timeout = TimeSpan.FromSeconds(30),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) },
    };

    public Task<ApiAnswer> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    public Task<ApiAnswer> PostAsync(string path, object? body, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) }, cancellationToken);

    /// <summary><c>?name=value&amp;…</c> of the values given (null ones left out), escaped; empty when none is.</summary>
    public static string Query(params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return given.Count == 0 ? "" : "?" + string.Join('&', given);
    }

    public static string Segment(string value) => Uri.EscapeDataString(value);

    private async Task<ApiAnswer> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            return ApiAnswer.From((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }
    }

    public void Dispose() => _http.Dispose();
}
