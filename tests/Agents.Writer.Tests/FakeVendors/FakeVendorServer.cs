using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

using Agents.Testing;

namespace Agents.Writer.Tests.FakeVendors;

/// <summary>One request as the fake vendor received it.</summary>
public sealed record RecordedRequest(DateTimeOffset At, string Method, string PathAndQuery, string? Authorization,
    string? ContentType, string? IdempotencyKey, string Body);

/// <summary>
/// A local Kestrel server (127.0.0.1, free port) standing in for a vendor API we cannot run: it checks requests the
/// way the vendor does (auth, method, path, body shape) and answers in the vendor's format, including scripted
/// failures (<see cref="FailNext"/>: 429 with Retry-After, 5xx, 422 …).
/// </summary>
public abstract class FakeVendorServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<(int Status, string Body, TimeSpan? RetryAfter)> _scripted = new();
    private LocalHttpServer? _server;

    public Uri BaseUrl { get; private set; } = null!;
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>The next request (past authentication) gets this answer instead of being processed.</summary>
    public void FailNext(int status, string body, TimeSpan? retryAfter = null) => _scripted.Enqueue((status, body, retryAfter));

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
            if (_scripted.TryDequeue(out var scripted))
            {
                if (scripted.RetryAfter is { } wait)
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Answer(context, scripted.Status, scripted.Body);
                return;
            }
            var (status, answer) = Handle(context.Request.Method, context.Request.Path.Value ?? "", context.Request.Query, context.Request.ContentType, body);
            await Answer(context, status, answer);
        }));
        BaseUrl = _server.Address;
    }

    protected abstract string UnauthenticatedBody { get; }

    protected abstract bool Authenticated(HttpRequest request);

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
