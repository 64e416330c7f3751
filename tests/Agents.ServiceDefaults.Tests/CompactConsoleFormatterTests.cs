using Agents.ServiceDefaults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.ServiceDefaults.Tests;

/// <summary>
/// The console line format: an outcome is one short line; a warning or an error keeps what a person needs to find
/// out what happened (the scopes' ticket, write and trace ids, the exception), still on one line.
/// </summary>
public sealed class CompactConsoleFormatterTests
{
    private static readonly LoggerExternalScopeProvider Scopes = new();

    [Test]
    public void An_information_line_is_time_level_short_category_and_message_only()
    {
        using var scope = Scopes.Push(new Dictionary<string, object?> { ["ExternalId"] = "T-1", ["TraceId"] = "abc" });
        var line = Format(LogLevel.Information, "Accepted generic ticket T-1", exception: null);

        Assert.That(line, Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info TicketDelivery: Accepted generic ticket T-1\n$"));
    }

    [Test]
    public void A_warning_line_carries_every_scope_value_and_the_exception_on_one_line()
    {
        using var scope = Scopes.Push(new Dictionary<string, object?> { ["ExternalId"] = "T-2", ["TraceId"] = "abc123" });
        var line = Format(LogLevel.Warning, "Could not write the steps", new InvalidOperationException("database gone\nsecond line"));

        Assert.Multiple(() =>
        {
            Assert.That(line, Does.Contain("warn TicketDelivery: Could not write the steps"));
            Assert.That(line, Does.Contain(" ExternalId=T-2").And.Contain(" TraceId=abc123"));
            Assert.That(line, Does.Contain("InvalidOperationException: database gone"));
            Assert.That(line.TrimEnd('\n'), Does.Not.Contain('\n'), "one line per entry");
        });
    }

    private static string Format(LogLevel level, string message, Exception? exception)
    {
        var entry = new LogEntry<string>(level, "Agents.Ingest.Webhooks.TicketDelivery", new EventId(0), message, exception, (s, _) => s);
        using var writer = new StringWriter();
        new CompactConsoleFormatter().Write(entry, Scopes, writer);
        return writer.ToString();
    }
}
