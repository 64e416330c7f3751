using System.Diagnostics;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Agents.Harness;

/// <summary>What the fake LLM does with the next call.</summary>
public enum FakeLlmMode
{
    /// <summary>200 with <see cref="FakeLlmServer.Answer"/>'s text as the assistant message, plus usage.</summary>
    Answer,

    /// <summary>429 with <c>Retry-After</c> (<see cref="FakeLlmServer.RetryAfter"/>), OpenAI's error body.</summary>
    TooManyRequests,

    /// <summary>500 with OpenAI's server_error body.</summary>
    ServerError,

    /// <summary>200 whose assistant message is not the JSON the classifier asked for.</summary>
    InvalidJson,

    /// <summary>Never answers, until the caller gives up or the server stops.</summary>
    Hang,

    /// <summary>200 with an HTML error page (a proxy or gateway in front of the model answering for it).</summary>
    HtmlPage,

    /// <summary>200 whose JSON envelope stops half way (a connection cut mid-body, a gateway's byte limit).</summary>
    CutEnvelope,

    /// <summary>200 with an empty body.</summary>
    EmptyBody,

    /// <summary>429 whose <c>Retry-After</c> is an HTTP date in the past (a server clock behind ours).</summary>
    RetryAfterPastDate,

    /// <summary>429 whose <c>retry-after-ms</c> and <c>Retry-After</c> say <c>NaN</c>.</summary>
    RetryAfterNaN,

    /// <summary>429 whose <c>retry-after-ms</c> and <c>Retry-After</c> are absurdly large numbers.</summary>
    RetryAfterHuge,

    /// <summary>200 with a valid answer sent one byte every <see cref="FakeLlmServer.DripInterval"/>.</summary>
    SlowDrip,
}

/// <summary>One call the fake LLM received.</summary>
public sealed record FakeLlmRequest(string Body, string? Authorization, DateTimeOffset At)
{
    private JsonNode? _json;

    public JsonNode Json => _json ??= JsonNode.Parse(Body) ?? new JsonObject();

    public string? Model => Json["model"]?.GetValue<string>();

    /// <summary>The text of every message with this role, joined by newlines.</summary>
    public string TextOf(string role) => string.Join("\n", (Json["messages"]?.AsArray() ?? [])
        .Where(m => m?["role"]?.GetValue<string>() == role)
        .Select(m => ContentText(m!["content"])));

    public string SystemText => TextOf("system");
    public string UserText => TextOf("user");

    /// <summary>A drafting request (the classifier's draft prompt), not a classification: counted apart by the tests.</summary>
    public bool IsDraft => SystemText.Contains("You draft the first reply", StringComparison.Ordinal);

    /// <summary>The names of the functions the caller offered (<c>tools[].function.name</c>).</summary>
    public IReadOnlyList<string> OfferedTools => (Json["tools"]?.AsArray() ?? [])
        .Select(t => t?["function"]?["name"]?.GetValue<string>() ?? "").ToList();

    /// <summary>The results the caller sent back for earlier tool calls (<c>role: tool</c> messages), in order.</summary>
    public IReadOnlyList<(string CallId, string Content)> ToolResults => (Json["messages"]?.AsArray() ?? [])
        .Where(m => m?["role"]?.GetValue<string>() == "tool")
        .Select(m => (m!["tool_call_id"]?.GetValue<string>() ?? "", ContentText(m["content"])))
        .ToList();

    // content is either a string or an array of parts ({"type":"text","text":…}).
    private static string ContentText(JsonNode? content) => content switch
    {
        JsonValue v => v.GetValue<string>(),
        JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.GetValue<string>() ?? "")),
        _ => "",
    };
}

/// <summary>A function call the fake model asks for: a name and its arguments as the JSON text OpenAI sends.</summary>
public sealed record FakeToolCall(string Name, string Arguments = "{}");

/// <summary>
/// A local OpenAI-compatible server speaking <c>POST /v1/chat/completions</c> in OpenAI's wire format (request and
/// response JSON as OpenAI's, including <c>usage</c>), scriptable per call: answer, delay, 429, 500, garbage, hang,
/// and the ways a real endpoint or the proxy in front of it breaks the envelope itself (an HTML page or an empty or
/// cut body with 200, Retry-After headers that make no sense, a body that arrives a byte at a time).
/// It speaks the tools protocol too: <see cref="ToolCalls"/> decides when the model answers with <c>tool_calls</c>
/// (any name, any arguments: a tool that was not offered, another customer's address) instead of text, and the
/// caller's <c>role: tool</c> results are in <see cref="FakeLlmRequest.ToolResults"/>.
/// Records every request body and counts calls; safe to use from many threads.
/// </summary>
public sealed class FakeLlmServer : IAsyncDisposable
{
    private readonly LocalHttpServer _server;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<FakeLlmRequest> _requests = new();
    private readonly ConcurrentQueue<FakeLlmMode> _script = new();
    private int _calls;
    private int _draftCalls;
    private int _inFlight;
    private int _peakInFlight;
    private long _busyTicks;
    private volatile FakeLlmMode _mode = FakeLlmMode.Answer;
    private long _delayTicks;
    private int _holdUntilInFlight;
    private int _holdReleased;
    private long _retryAfterTicks = TimeSpan.FromSeconds(1).Ticks;
    private long _dripTicks = TimeSpan.FromMilliseconds(200).Ticks;
    private volatile Func<FakeLlmRequest, string> _answer = _ => ClassificationJson();
    private volatile Func<FakeLlmRequest, IReadOnlyList<FakeToolCall>> _toolCalls = _ => [];

    private FakeLlmServer(LocalHttpServer server)
    {
        _server = server;
        Endpoint = new Uri(server.Address, "v1");
    }

    /// <summary>The base address clients use, ending in <c>/v1</c> (as OpenAI's <c>https://api.openai.com/v1</c>).</summary>
    public Uri Endpoint { get; }

    /// <summary>What every call does once the scripted modes (<see cref="Script"/>) are used up.</summary>
    public FakeLlmMode Mode
    {
        get => _mode;
        set => _mode = value;
    }

    /// <summary>The text the model "says" in <see cref="FakeLlmMode.Answer"/>: by default a valid classification.</summary>
    public Func<FakeLlmRequest, string> Answer
    {
        get => _answer;
        set => _answer = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// In <see cref="FakeLlmMode.Answer"/>: the function calls the model makes instead of answering (none: it answers
    /// with <see cref="Answer"/>'s text). <see cref="EachOfferedToolOnce"/> is what a model that uses its tools does.
    /// </summary>
    public Func<FakeLlmRequest, IReadOnlyList<FakeToolCall>> ToolCalls
    {
        get => _toolCalls;
        set => _toolCalls = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Calls every offered function once (no arguments), then answers once their results came back.</summary>
    public static IReadOnlyList<FakeToolCall> EachOfferedToolOnce(FakeLlmRequest request) =>
        request.ToolResults.Count > 0 ? [] : request.OfferedTools.Select(name => new FakeToolCall(name)).ToList();

    /// <summary>Waits this long before every answer (any mode but <see cref="FakeLlmMode.Hang"/>).</summary>
    public TimeSpan Delay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
    }

    /// <summary>
    /// When above zero, every call waits (up to <see cref="Delay"/>) until this many calls are in flight at once; from
    /// then on no call waits. A test of how many calls a caller keeps in flight then does not depend on every call
    /// arriving within one <see cref="Delay"/> of the first, which a loaded machine does not promise.
    /// </summary>
    public int HoldUntilInFlight
    {
        get => Volatile.Read(ref _holdUntilInFlight);
        set => Volatile.Write(ref _holdUntilInFlight, value);
    }

    /// <summary>The <c>Retry-After</c> a 429 carries (whole seconds in <c>Retry-After</c>, exact in <c>retry-after-ms</c>).</summary>
    public TimeSpan RetryAfter
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _retryAfterTicks));
        set => Interlocked.Exchange(ref _retryAfterTicks, value.Ticks);
    }

    /// <summary>The pause between two bytes of a <see cref="FakeLlmMode.SlowDrip"/> answer.</summary>
    public TimeSpan DripInterval
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _dripTicks));
        set => Interlocked.Exchange(ref _dripTicks, value.Ticks);
    }

    /// <summary>Calls received so far (including ones that failed or hang).</summary>
    public int CallCount => Volatile.Read(ref _calls);

    /// <summary>Of <see cref="CallCount"/>, the drafting calls (<see cref="FakeLlmRequest.IsDraft"/>).</summary>
    public int DraftCallCount => Volatile.Read(ref _draftCalls);

    /// <summary>Calls being answered right now (a hanging call stays in flight).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// The most calls in flight at once since the start or the last <see cref="ResetPeakInFlight"/>: how much of a
    /// caller's configured concurrency actually reached the model (issue #18).
    /// </summary>
    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    /// <summary>
    /// The calls' total time in this server, from reading the request to the end of the answer: over a run's time, the
    /// calls the model really had in flight on average (a call held longer than <see cref="Delay"/> on a busy machine
    /// counts as what it took).
    /// </summary>
    public TimeSpan BusyTime => TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks));

    /// <summary>Starts a new <see cref="PeakInFlight"/> from the calls in flight now.</summary>
    public void ResetPeakInFlight() => Interlocked.Exchange(ref _peakInFlight, InFlight);

    /// <summary>Every call received, in arrival order.</summary>
    public IReadOnlyList<FakeLlmRequest> Requests => _requests.ToArray();

    public IReadOnlyList<string> RequestBodies => _requests.Select(r => r.Body).ToArray();

    /// <summary>Modes for the next calls, one each, before <see cref="Mode"/> applies again.</summary>
    public void Script(params FakeLlmMode[] modes)
    {
        foreach (var mode in modes)
            _script.Enqueue(mode);
    }

    /// <summary>Forgets recorded calls, counts and scripted modes (not <see cref="Mode"/>, <see cref="Answer"/> or delays).</summary>
    public void ClearRecorded()
    {
        _requests.Clear();
        _script.Clear();
        Interlocked.Exchange(ref _calls, 0);
        Interlocked.Exchange(ref _draftCalls, 0);
        ResetPeakInFlight();
    }

    public static async Task<FakeLlmServer> StartAsync(Func<FakeLlmRequest, string>? answer = null)
    {
        FakeLlmServer? fake = null;
        var server = await LocalHttpServer.StartAsync(app => app.MapPost("/v1/chat/completions", (HttpContext http) => fake!.HandleAsync(http)));
        fake = new FakeLlmServer(server);
        if (answer is not null)
            fake.Answer = answer;
        return fake;
    }

    /// <summary>A classification answer as the classifier's schema wants it (for <see cref="Answer"/>).</summary>
    public static string ClassificationJson(string category = "Technical Support", string priority = "medium",
        string sentiment = "neutral", string language = "en", double confidence = 0.9,
        string reason = "the customer reports an error", params string[] tags) =>
        JsonSerializer.Serialize(new
        {
            category,
            priority,
            sentiment,
            language,
            confidence,
            reason,
            tags = tags.Length == 0 ? [category] : tags,
        });

    private async Task HandleAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await AnswerAsync(http);
        }
        finally
        {
            Interlocked.Add(ref _busyTicks, Stopwatch.GetElapsedTime(started).Ticks);
        }
    }

    private async Task HoldAsync(TimeSpan atMost, CancellationToken cancellationToken)
    {
        var until = DateTimeOffset.UtcNow + atMost;
        while (Volatile.Read(ref _holdReleased) == 0 && DateTimeOffset.UtcNow < until && !cancellationToken.IsCancellationRequested)
        {
            if (InFlight >= HoldUntilInFlight)
                Volatile.Write(ref _holdReleased, 1);
            else
                await Task.Delay(10, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task AnswerAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var request = new FakeLlmRequest(body, http.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null,
            DateTimeOffset.UtcNow);
        _requests.Enqueue(request);
        Interlocked.Increment(ref _calls);
        if (IsDraft(request))
            Interlocked.Increment(ref _draftCalls);
        RaisePeak(Interlocked.Increment(ref _inFlight));
        try
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping.Token);
            var mode = _script.TryDequeue(out var scripted) ? scripted : _mode;
            if (mode == FakeLlmMode.Hang)
            {
                await Task.Delay(Timeout.Infinite, cancel.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            }
            var delay = Delay;
            if (HoldUntilInFlight > 0)
                await HoldAsync(delay, cancel.Token);
            else if (delay > TimeSpan.Zero)
                await Task.Delay(delay, cancel.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            if (cancel.IsCancellationRequested)
                return;

            switch (mode)
            {
                case FakeLlmMode.TooManyRequests:
                    var retryAfter = RetryAfter;
                    http.Response.Headers["Retry-After"] = Math.Ceiling(retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    http.Response.Headers["retry-after-ms"] = ((long)retryAfter.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    await Error(http, 429, "Rate limit reached for requests. Please try again later.", "requests", "rate_limit_exceeded");
                    return;
                case FakeLlmMode.ServerError:
                    await Error(http, 500, "The server had an error while processing your request. Sorry about that!", "server_error", null);
                    return;
                case FakeLlmMode.InvalidJson:
                    await Completion(http, request, "Sure! Here is the classification you asked for: category=technical, priority=maybe {");
                    return;
                case FakeLlmMode.HtmlPage:
                    http.Response.ContentType = "text/html; charset=utf-8";
                    await http.Response.WriteAsync("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
                        + "<body><h1>Bad Gateway</h1><p>The upstream server returned an invalid response.</p></body></html>");
                    return;
                case FakeLlmMode.CutEnvelope:
                    var envelope = CompletionJson(request, _answer(request));
                    http.Response.ContentType = "application/json";
                    await http.Response.WriteAsync(envelope[..(envelope.Length / 2)]);
                    return;
                case FakeLlmMode.EmptyBody:
                    http.Response.ContentType = "application/json";
                    http.Response.ContentLength = 0;
                    return;
                case FakeLlmMode.RetryAfterPastDate:
                    http.Response.Headers["Retry-After"] = DateTimeOffset.UtcNow.AddHours(-1).ToString("R");
                    await Error(http, 429, "Rate limit reached for requests. Please try again later.", "requests", "rate_limit_exceeded");
                    return;
                case FakeLlmMode.RetryAfterNaN:
                    http.Response.Headers["Retry-After"] = "NaN";
                    http.Response.Headers["retry-after-ms"] = "NaN";
                    await Error(http, 429, "Rate limit reached for requests. Please try again later.", "requests", "rate_limit_exceeded");
                    return;
                case FakeLlmMode.RetryAfterHuge:
                    http.Response.Headers["Retry-After"] = "99999999999999999999999";
                    http.Response.Headers["retry-after-ms"] = "1e300";
                    await Error(http, 429, "Rate limit reached for requests. Please try again later.", "requests", "rate_limit_exceeded");
                    return;
                case FakeLlmMode.SlowDrip:
                    await DripAsync(http, Encoding.UTF8.GetBytes(CompletionJson(request, _answer(request))), cancel.Token);
                    return;
                default:
                    string content;
                    try
                    {
                        if (_toolCalls(request) is { Count: > 0 } calls)
                        {
                            http.Response.ContentType = "application/json";
                            await http.Response.WriteAsync(CompletionJson(request, null, calls));
                            return;
                        }
                        content = _answer(request);
                    }
                    catch (Exception e)
                    {
                        await Error(http, 500, "The test's answer function threw: " + e.Message, "server_error", null);
                        return;
                    }
                    await Completion(http, request, content);
                    return;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    // A body that is not JSON (a test's garbage request) is no draft: it is answered as before, not with a 500.
    private static bool IsDraft(FakeLlmRequest request)
    {
        try
        {
            return request.IsDraft;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private void RaisePeak(int inFlight)
    {
        var peak = Volatile.Read(ref _peakInFlight);
        while (inFlight > peak && Interlocked.CompareExchange(ref _peakInFlight, inFlight, peak) is var seen && seen != peak)
            peak = seen;
    }

    private static Task Error(HttpContext http, int status, string message, string type, string? code)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new { error = new { message, type, param = (string?)null, code } });
    }

    private static Task Completion(HttpContext http, FakeLlmRequest request, string content)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(CompletionJson(request, content));
    }

    /// <summary>Headers at once, then the body a byte at a time, until it is sent or the caller goes away.</summary>
    private async Task DripAsync(HttpContext http, byte[] body, CancellationToken cancellationToken)
    {
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = body.Length;
        try
        {
            await http.Response.StartAsync(cancellationToken);
            foreach (var b in body)
            {
                await http.Response.Body.WriteAsync(new[] { b }, cancellationToken);
                await http.Response.Body.FlushAsync(cancellationToken);
                await Task.Delay(DripInterval, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The caller gave up: what a slow endpoint sees too.
        }
    }

    private static string CompletionJson(FakeLlmRequest request, string? content, IReadOnlyList<FakeToolCall>? calls = null)
    {
        // Rough token counts (about four characters a token), as the usage block must carry something plausible.
        var promptTokens = Math.Max(1, (request.SystemText.Length + request.UserText.Length + request.TextOf("tool").Length) / 4);
        var completionTokens = Math.Max(1, (content?.Length ?? calls!.Sum(c => c.Name.Length + c.Arguments.Length)) / 4);
        var message = new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = null };
        if (calls is not null)
        {
            message["tool_calls"] = new JsonArray(calls.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = "call_" + Guid.NewGuid().ToString("N")[..20],
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments },
            }).ToArray());
        }
        var response = new JsonObject
        {
            ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N")[..24],
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = request.Model ?? "fake-model",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["logprobs"] = null,
                ["finish_reason"] = calls is null ? "stop" : "tool_calls",
            }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            },
            ["system_fingerprint"] = "fp_fake",
        };
        return response.ToJsonString();
    }

    public async ValueTask DisposeAsync()
    {
        // Release hanging calls first, or StopAsync would wait for them.
        await _stopping.CancelAsync();
        await _server.DisposeAsync();
        _stopping.Dispose();
    }
}
