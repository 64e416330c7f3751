using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

using Agents.Harness;

namespace Agents.Writer.Tests.FakeVendors;

/// <summary>One request as the fake vendor received it.</summary>
public sealed record RecordedRequest(DateTimeOffset At, string Method, string PathAndQuery, string? Authorization,
    string? ContentType, string? IdempotencyKey, string Body);

/// <summary>
/// A local Kestrel server (127.0.0.1, free port) standing in for a vendor API we cannot run: it checks requests the
/// way the vendor does (auth, method, path, body shape) and answers in the vendor's format, including scripted
/// failures (<see cref="FailNext"/>: 429 with Retry-After, 5xx, 422 …) and scripted changes by other clients
/// (<see cref="AfterNext"/>: someone else editing the record between our calls).
/// </summary>
public abstract class FakeVendorServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<(int Status, string Body, TimeSpan? RetryAfter, Func<IReadOnlyDictionary<string, string>>? Headers)> _scripted = new();
    private readonly ConcurrentQueue<(string Method, Action Change)> _afterNext = new();
    private readonly Lock _records = new();
    private LocalHttpServer? _server;

    public Uri BaseUrl { get; private set; } = null!;
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>
    /// The next request (past authentication) gets this answer instead of being processed, with the headers
    /// <paramref name="headers"/> gives when the request arrives (a rate limit's reset time counts from then).
    /// </summary>
    public void FailNext(int status, string body, TimeSpan? retryAfter = null, Func<IReadOnlyDictionary<string, string>>? headers = null) =>
        _scripted.Enqueue((status, body, retryAfter, headers));

    /// <summary>
    /// Right after the next request with <paramref name="method"/> was processed, before its answer leaves: another
    /// client of the vendor changes the record (as a person or another integration would between our calls).
    /// </summary>
    public void AfterNext(string method, Action change) => _afterNext.Enqueue((method, change));

    protected async Task StartAsync()
    {
        _server = await LocalHttpServer.StartAsync(app => app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            Requests.Enqueue(new RecordedRequest(DateTimeOffset.UtcNow, context.Request.Method,
                context.Request.Path + context.Request.QueryString, context.Request.Headers.Authorization.ToString(),
                context.Request.ContentType, context.Request.Headers["Idempotency-Key"].FirstOrDefault(), body));
            if (!Authenticated(context.Request))
            {
                await Answer(context, 401, UnauthenticatedBody);
                return;
            }
            if (Refuse(context.Request) is { } refused)
            {
                await Answer(context, refused.Status, refused.Body);
                return;
            }
            if (_scripted.TryDequeue(out var scripted))
            {
                if (scripted.RetryAfter is { } wait)
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                foreach (var (name, value) in scripted.Headers?.Invoke() ?? new Dictionary<string, string>())
                    context.Response.Headers[name] = value;
                await Answer(context, scripted.Status, scripted.Body);
                return;
            }
            (int Status, string Body) answer;
            lock (_records) // one request at a time changes the records, as a vendor's row lock would
            {
                answer = Handle(context.Request.Method, context.Request.Path.Value ?? "", context.Request.Query, context.Request.ContentType, body);
                if (_afterNext.TryPeek(out var next) && next.Method == context.Request.Method && _afterNext.TryDequeue(out next))
                    next.Change();
            }
            await Answer(context, answer.Status, answer.Body);
        }));
        BaseUrl = _server.Address;
    }

    protected abstract string UnauthenticatedBody { get; }

    protected abstract bool Authenticated(HttpRequest request);

    /// <summary>An authenticated request the vendor refuses before looking at it (GitHub without a User-Agent).</summary>
    protected virtual (int Status, string Body)? Refuse(HttpRequest request) => null;

    /// <summary>The vendor's behaviour for an authenticated request: status and JSON body.</summary>
    protected abstract (int Status, string Body) Handle(string method, string path, IQueryCollection query, string? contentType, string body);

    private static async Task Answer(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
