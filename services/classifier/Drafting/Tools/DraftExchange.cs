using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agents.Classifier.Pipeline;
using Agents.Contracts;
using Agents.Crm.Reading;
using Agents.ServiceDefaults.Redaction;
using Microsoft.Extensions.AI;

namespace Agents.Classifier.Drafting.Tools;

/// <summary>
/// One draft's exchange with the model when tools are offered: the tools bound to this ticket, the bounds (calls,
/// tokens; the time is the caller's), and what happened, for the step log and the approver. Every call goes through
/// <see cref="InvokeAsync"/>: a call with arguments is refused (the tools take none: the requester is bound here, so
/// "the customer jane@…" or a token in the arguments reaches nothing), a call over the limit is answered "no more
/// calls", and a result is redacted before it goes back to the model. Steps name the tool, its latency and outcome,
/// never arguments or results.
/// </summary>
public sealed class DraftExchange
{
    private const int FindingChars = 300;
    private readonly TicketReceived _ticket;
    private readonly DraftToolOptions _bounds;
    private readonly StepRecorder _steps;
    private readonly Dictionary<string, IDraftTool> _tools;
    private int _calls;
    private long _tokens;

    public DraftExchange(TicketReceived ticket, IEnumerable<IDraftTool> tools, DraftToolOptions bounds, StepRecorder steps)
    {
        _ticket = ticket;
        _bounds = bounds;
        _steps = steps;
        _tools = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Tools = _tools.Values
            .Select(tool => (AITool)AIFunctionFactory.Create((CancellationToken ct) => ReadAsync(tool, ct), tool.Name, tool.Description))
            .ToList();
    }

    /// <summary>The functions offered to the model (none takes an argument).</summary>
    public IList<AITool> Tools { get; }

    /// <summary>Tool calls the model asked for, refused ones included.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Tokens spent so far over every round trip.</summary>
    public long Tokens => Interlocked.Read(ref _tokens);

    /// <summary>The exchange needed more tokens than <see cref="DraftToolOptions.MaxTokens"/>.</summary>
    public bool OverBudget => Tokens > _bounds.MaxTokens;

    /// <summary>What the tools found, redacted and cut short, for the approver beside the draft.</summary>
    public List<string> Findings { get; } = [];

    /// <summary>What the model tried and was refused (another customer, an unknown tool), for the approver.</summary>
    public List<string> Flags { get; } = [];

    /// <summary>
    /// <paramref name="inner"/> wrapped for this exchange: function invocation through <see cref="InvokeAsync"/>, at most
    /// one round trip per allowed call plus the answer (and one for the "no more calls" reply), each round trip counted
    /// against the token budget.
    /// </summary>
    public IChatClient Client(IChatClient inner) => new FunctionInvokingChatClient(new TokenBudget(inner, this))
    {
        MaximumIterationsPerRequest = _bounds.MaxCalls + 2,
        AllowConcurrentInvocation = false,
        IncludeDetailedErrors = false,
        FunctionInvoker = InvokeAsync,
    };

    private async ValueTask<object?> InvokeAsync(FunctionInvocationContext context, CancellationToken cancellationToken)
    {
        var name = context.Function.Name;
        var call = Interlocked.Increment(ref _calls);
        if (context.Arguments.Count > 0)
        {
            _steps.Add("tool-call", outcome: "refused", detail: $"{name}: arguments given, the tool takes none");
            Flags.Add($"the model called {name} with arguments (another customer, an id or an address?): refused, the tool reads only this ticket's requester");
            return "Refused: this tool takes no arguments. It reads the requester of the ticket you are answering, and no one else.";
        }
        if (call > _bounds.MaxCalls)
        {
            _steps.Add("tool-call", outcome: "over-limit", detail: $"{name}: more than {_bounds.MaxCalls} calls");
            return $"Refused: at most {_bounds.MaxCalls} tool calls per reply. Write the reply now.";
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await context.Function.InvokeAsync(context.Arguments, cancellationToken);
            _steps.Add("tool-call", outcome: "ok", latency: Stopwatch.GetElapsedTime(started), detail: name);
            return result;
        }
        catch (CrmReadException e)
        {
            // A refusal or failure of the CRM (401, 404, 429, 5xx): the draft goes on without it. The message names the
            // vendor, the status and the path, never a credential (CrmReadException's promise).
            _steps.Add("tool-call", outcome: "unavailable", latency: Stopwatch.GetElapsedTime(started), detail: $"{name}: {e.Message}");
            return "Unavailable: the CRM could not be read just now. Write the reply without it.";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _steps.Add("tool-call", outcome: "failed", latency: Stopwatch.GetElapsedTime(started), detail: $"{name}: {e.GetType().Name}");
            return "The tool failed; write the reply without it.";
        }
    }

    /// <summary>The tool's answer for the bound ticket, redacted (secrets and contact details) before the model reads it.</summary>
    private async Task<string> ReadAsync(IDraftTool tool, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToNode(await tool.ReadAsync(_ticket, cancellationToken));
        var redacted = Redacted(json)?.ToJsonString() ?? "null";
        Findings.Add($"{tool.Name}: {(redacted.Length <= FindingChars ? redacted : redacted[..FindingChars] + "…")}");
        return redacted;
    }

    /// <summary>
    /// Each string value redacted on its own: redacting the serialized text would let a value found next to a quote run
    /// on into the next field (a key's "value" read past its closing quote) and break the JSON the model reads.
    /// </summary>
    private static JsonNode? Redacted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Redacted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Redacted).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => JsonValue.Create(Redactor.Redact(v.GetValue<string>()).Text),
        _ => node?.DeepClone(),
    };

    /// <summary>
    /// Calls of functions that were never offered (the function invoker answers them "not found" without running
    /// anything): logged and flagged like a refused call.
    /// </summary>
    public void Review(ChatResponse response)
    {
        foreach (var call in response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>())
        {
            if (_tools.ContainsKey(call.Name))
                continue;
            Interlocked.Increment(ref _calls);
            _steps.Add("tool-call", outcome: "unknown", detail: "a function that was not offered");
            Flags.Add("the model called a function it was not offered: nothing ran");
        }
    }

    /// <summary>Counts every round trip's tokens; once over the budget, answers with an empty message instead of calling the model.</summary>
    private sealed class TokenBudget(IChatClient inner, DraftExchange exchange) : DelegatingChatClient(inner)
    {
        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            if (exchange.OverBudget)
                return new ChatResponse(new ChatMessage(ChatRole.Assistant, ""));
            var response = await base.GetResponseAsync(messages, options, cancellationToken);
            var usage = response.Usage;
            Interlocked.Add(ref exchange._tokens, usage?.TotalTokenCount ?? (usage?.InputTokenCount ?? 0) + (usage?.OutputTokenCount ?? 0));
            return response;
        }
    }
}
