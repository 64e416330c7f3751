using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Agents.ServiceDefaults;

/// <summary>
/// One line per entry on stdout: <c>2026-12-04T12:08:10.532Z info TicketDelivery: Accepted generic ticket T-1 …</c>.
/// The services log each ticket's outcome once each; in JSON with scopes that line was about 1 KB (the message twice,
/// its template, every scope), four of them per ticket. Here it is the UTC time, the level, the category's last
/// segment and the message, about 130 bytes. Warnings and errors also get every scope value (the trace and span ids,
/// the message id, the ticket, the write) and the exception: those are the lines a person reads to find out what happened. The full structured record of every line
/// goes out by OTLP when it is configured; <c>Logging__Console__FormatterName=json</c> restores JSON on stdout.
/// </summary>
public sealed class CompactConsoleFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "compact";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
            return;
        var category = logEntry.Category;
        textWriter.Write(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ ", System.Globalization.CultureInfo.InvariantCulture));
        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(' ');
        textWriter.Write(category.AsSpan(category.LastIndexOf('.') + 1));
        textWriter.Write(": ");
        textWriter.Write(message.ReplaceLineEndings(" "));
        if (logEntry.LogLevel >= LogLevel.Warning)
        {
            scopeProvider?.ForEachScope((scope, writer) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> values)
                    foreach (var (key, value) in values)
                        if (!key.StartsWith('{'))
                            writer.Write($" {key}={value}");
            }, textWriter);
            if (logEntry.Exception is { } exception)
                textWriter.Write(" " + exception.ToString().ReplaceLineEndings(" | "));
        }
        textWriter.Write('\n');
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
