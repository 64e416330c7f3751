using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Agents.Classifier.Llm;

public static class LlmChatClientFactory
{
    /// <summary>
    /// An <see cref="IChatClient"/> on any OpenAI-compatible endpoint. The SDK's own retries are off (they would
    /// multiply every failed call into several, a retry storm behind the breaker's back); <see cref="LlmClient"/>
    /// makes the one bounded retry itself.
    /// </summary>
    public static IChatClient Create(LlmOptions options)
    {
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = new Uri(options.Endpoint),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = options.Timeout + TimeSpan.FromSeconds(1),
        };
        // Local servers (Ollama, vLLM) take any key; the SDK insists on a non-empty one.
        var key = string.IsNullOrEmpty(options.ApiKey) ? "unused" : options.ApiKey;
        return new OpenAI.Chat.ChatClient(options.Model, new ApiKeyCredential(key), clientOptions).AsIChatClient();
    }
}
