using System.ClientModel;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Agents.Classifier.Llm;

/// <summary>
/// One classification call: redacted text in, a validated <see cref="LlmAnswer"/> out, or an
/// <see cref="LlmCallException"/>, whatever went wrong (only the caller's own cancellation passes as it is). Each
/// attempt has the configured timeout; a 429 is retried once, and only when its Retry-After names a short positive
/// wait; nothing else is retried (the breaker and the rules take over).
/// </summary>
public sealed class LlmClient(IChatClient chat, IOptions<ClassifierOptions> options, ClassifierMetrics metrics)
{
    public async Task<LlmAnswer> ClassifyAsync(IReadOnlyList<string> taxonomy, string redactedSubject, string redactedBody,
        CancellationToken cancellationToken)
    {
        var llm = options.Value.Llm;
        var messages = ClassificationPrompt.Messages(taxonomy, Cut(redactedSubject, 500), Cut(redactedBody, llm.MaxInputChars));
        var chatOptions = new ChatOptions
        {
            ModelId = llm.Model,
            Temperature = 0,
            MaxOutputTokens = 300,
            ResponseFormat = llm.ResponseFormat switch
            {
                "none" => null,
                "json_object" => ChatResponseFormat.Json,
                _ => ChatResponseFormat.ForJsonSchema(ClassificationPrompt.Schema(taxonomy), "ticket_classification",
                    "A support ticket's category, priority, sentiment, language, confidence, reason and tags."),
            },
        };

        return await CallAsync(chat, messages, chatOptions, llm.Timeout, (response, latency) => new LlmAnswer(LlmAnswerParser.Parse(response.Text, taxonomy),
            response.ModelId ?? llm.Model, latency, response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount), cancellationToken);
    }

    /// <summary>
    /// A reply drafted from <paramref name="messages"/> (redacted text only): the assistant's text as it is, for the
    /// caller to validate. Same retry and failure mapping as a classification; with an <paramref name="exchange"/>, the
    /// model may call its tools, and the whole exchange (every round trip and tool call) has the exchange's timeout.
    /// </summary>
    public Task<LlmText> DraftAsync(IList<ChatMessage> messages, int maxOutputTokens, Drafting.Tools.DraftExchange? exchange,
        CancellationToken cancellationToken)
    {
        var llm = options.Value.Llm;
        var chatOptions = new ChatOptions { ModelId = llm.Model, Temperature = 0.2f, MaxOutputTokens = maxOutputTokens };
        if (exchange is null)
            return CallAsync(chat, messages, chatOptions, llm.Timeout, Text, cancellationToken);
        chatOptions.Tools = exchange.Tools;
        chatOptions.ToolMode = ChatToolMode.Auto;
        chatOptions.AllowMultipleToolCalls = false;
        return CallAsync(exchange.Client(chat), messages, chatOptions, options.Value.Drafts.Tools.Timeout, (response, latency) =>
        {
            exchange.Review(response);
            return Text(response, latency);
        }, cancellationToken);

        LlmText Text(ChatResponse response, TimeSpan latency) => new(response.Text, response.ModelId ?? llm.Model, latency,
            response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount);
    }

    /// <summary>One exchange with the model, its failures mapped to <see cref="LlmCallException"/>; <paramref name="read"/> may throw one too.</summary>
    private async Task<T> CallAsync<T>(IChatClient client, IList<ChatMessage> messages, ChatOptions chatOptions, TimeSpan timeout,
        Func<ChatResponse, TimeSpan, T> read, CancellationToken cancellationToken)
    {
        var llm = options.Value.Llm;
        for (var attempt = 1; ; attempt++)
        {
            var started = Stopwatch.GetTimestamp();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                var response = await client.GetResponseAsync(messages, chatOptions, deadline.Token);
                var latency = Stopwatch.GetElapsedTime(started);
                var answer = read(response, latency);
                metrics.LlmCall("ok", latency, response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount);
                return answer;
            }
            catch (ClientResultException e) when (e.Status == 429)
            {
                var headers = e.GetRawResponse()?.Headers;
                string? ms = null, seconds = null;
                headers?.TryGetValue("retry-after-ms", out ms);
                headers?.TryGetValue("Retry-After", out seconds);
                var retryAfter = RetryAfterHeader.Read(ms, seconds, DateTimeOffset.UtcNow);
                metrics.LlmCall("rate_limited", Stopwatch.GetElapsedTime(started), null, null);
                // Only a wait the server named and we can afford: "now" (zero, or a date already past) after a 429
                // would most likely meet the same limit again.
                if (attempt == 1 && retryAfter is { } wait && wait > TimeSpan.Zero && wait <= llm.MaxRetryAfter)
                {
                    await Task.Delay(wait, cancellationToken);
                    continue;
                }
                throw new LlmCallException("rate_limited",
                    retryAfter is { } r ? $"429 with Retry-After {r.TotalSeconds:0.#}s" : "429 without a usable Retry-After", e);
            }
            catch (ClientResultException e)
            {
                metrics.LlmCall("http_error", Stopwatch.GetElapsedTime(started), null, null);
                throw new LlmCallException("http_error", e.Status == 0 ? "no HTTP answer" : $"HTTP {e.Status}", e);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                metrics.LlmCall("timeout", Stopwatch.GetElapsedTime(started), null, null);
                throw new LlmCallException("timeout", $"no answer within {timeout.TotalSeconds:0.###}s", e);
            }
            catch (HttpRequestException e)
            {
                metrics.LlmCall("unreachable", Stopwatch.GetElapsedTime(started), null, null);
                throw new LlmCallException("unreachable", "endpoint unreachable", e);
            }
            catch (LlmCallException e)
            {
                metrics.LlmCall(e.Outcome, Stopwatch.GetElapsedTime(started), null, null);
                throw;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A 2xx whose envelope the SDK cannot read (an HTML page from a gateway, an empty or cut body) throws
                // JsonException or InvalidOperationException; whatever else the call throws is a failed call too.
                var outcome = e is System.Text.Json.JsonException or InvalidOperationException or FormatException or EndOfStreamException
                    ? "bad_response" : "failed";
                metrics.LlmCall(outcome, Stopwatch.GetElapsedTime(started), null, null);
                throw new LlmCallException(outcome, $"the response could not be read ({e.GetType().Name})", e);
            }
        }
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];
}
