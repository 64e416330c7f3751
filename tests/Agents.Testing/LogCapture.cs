using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Agents.Testing;

/// <summary>Every log line a service writes, with its structured values, exception and scopes, as text.</summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider? _scopes;

    public ConcurrentQueue<string> Lines { get; } = new();

    public string All => string.Join('\n', Lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new System.Text.StringBuilder($"{logLevel} {category}: {formatter(state, exception)}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (key, value) in values)
                    line.Append(' ').Append(key).Append('=').Append(value);
            owner._scopes?.ForEachScope((scope, builder) =>
            {
                builder.Append(" scope=");
                if (scope is IEnumerable<KeyValuePair<string, object?>> named) // a message's ticket and write, by name
                    builder.AppendJoin(',', named.Select(v => $"{v.Key}:{v.Value}"));
                else
                    builder.Append(scope);
            }, line);
            if (exception is not null)
                line.Append('\n').Append(exception);
            owner.Lines.Enqueue(line.ToString());
        }
    }
}
