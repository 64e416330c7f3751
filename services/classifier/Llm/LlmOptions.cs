namespace Agents.Classifier.Llm;

/// <summary>
/// The OpenAI-compatible endpoint (<c>Classifier__Llm__…</c>): OpenAI, Azure OpenAI's /openai/v1, Ollama's /v1,
/// vLLM. No endpoint: the classifier runs on rules alone.
/// </summary>
public sealed class LlmOptions
{
    /// <summary>Base URI ending in /v1, e.g. https://api.openai.com/v1 or http://localhost:11434/v1. Empty: no LLM.</summary>
    public string Endpoint { get; set; } = "";

    public string Model { get; set; } = "gpt-4o-mini";

    /// <summary>From configuration or the environment (<c>Classifier__Llm__ApiKey</c>); local servers accept any value.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>One call, start to end; past it the call counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>A 429 is retried once only when its Retry-After is at most this; otherwise the ticket goes to rules.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>json_schema (strict structured output), json_object (older servers) or none.</summary>
    public string ResponseFormat { get; set; } = "json_schema";

    /// <summary>Longer ticket texts are cut before they go into the prompt.</summary>
    public int MaxInputChars { get; set; } = 6000;

    /// <summary>
    /// How long a rules answer (given while the LLM failed) stands for its content: every copy within it gets the same
    /// decision; after it the content is classified afresh. Defaults to ingest's dedupe window.
    /// </summary>
    public TimeSpan FallbackAnswerTtl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// LLM calls in flight at once, per instance (classifications and drafts together): the concurrency the model
    /// sees. Unset: <c>RabbitMq:ConcurrentMessageLimit</c>.
    /// </summary>
    public int? ConcurrentCalls { get; set; }

    /// <summary>
    /// Tickets the classifier works on at once, per instance (the ticket endpoint's concurrent message limit). Unset:
    /// twice <see cref="ConcurrentCalls"/>, so a ticket's database round trips and publishes run while other tickets'
    /// calls do, instead of holding a call slot idle (issue #18). Equal to the calls: each ticket holds its slot from
    /// start to end, as before.
    /// </summary>
    public int? TicketsInProgress { get; set; }

    /// <summary><see cref="TicketsInProgress"/> when unset, for <paramref name="calls"/> calls in flight.</summary>
    public static int DefaultTicketsInProgress(int calls) => calls * 2;

    public bool Enabled => !string.IsNullOrWhiteSpace(Endpoint);
}

/// <summary>MassTransit's circuit breaker around the LLM call (<c>Classifier__Breaker__…</c>).</summary>
public sealed class BreakerOptions
{
    /// <summary>Percent of failed calls (within the tracking period) that opens the breaker.</summary>
    public int TripThreshold { get; set; } = 50;

    /// <summary>Calls needed in a period before the breaker can trip; also the successes a half-open breaker needs to close.</summary>
    public int ActiveThreshold { get; set; } = 5;

    /// <summary>The window the attempt and failure counts cover.</summary>
    public TimeSpan TrackingPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long the breaker stays open before it lets probes through (half-open).</summary>
    public TimeSpan ResetInterval { get; set; } = TimeSpan.FromSeconds(30);
}
