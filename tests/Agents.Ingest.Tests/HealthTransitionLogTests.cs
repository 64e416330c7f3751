using Agents.ServiceDefaults;
using Agents.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>Health is logged once per change of a check's status, at a level that says how bad the change is.</summary>
public class HealthTransitionLogTests
{
    [Test]
    public async Task Each_change_is_logged_once_and_an_unchanged_status_not_at_all()
    {
        var capture = new LogCapture();
        using var factory = LoggerFactory.Create(b => b.AddProvider(capture));
        var log = new HealthTransitionLog(factory.CreateLogger<HealthTransitionLog>());

        HealthStatus[] broker =
        [
            HealthStatus.Unhealthy, HealthStatus.Unhealthy, // start-up: not connected yet
            HealthStatus.Healthy, HealthStatus.Healthy,
            HealthStatus.Unhealthy, HealthStatus.Unhealthy, HealthStatus.Unhealthy, // an outage
            HealthStatus.Degraded,
            HealthStatus.Healthy,
        ];
        foreach (var status in broker)
            await log.PublishAsync(Report(("broker", status, "the broker does not answer"), ("masstransit-bus", HealthStatus.Healthy, "ready")),
                CancellationToken.None);

        const string category = "Agents.ServiceDefaults.HealthTransitionLog";
        string[] expected =
        [
            $"Warning {category}: Health check broker is Unhealthy (was starting): the broker does not answer",
            $"Information {category}: Health check broker is Healthy again (was Unhealthy)",
            $"Error {category}: Health check broker is Unhealthy (was Healthy): the broker does not answer",
            $"Warning {category}: Health check broker is Degraded (was Unhealthy): the broker does not answer",
            $"Information {category}: Health check broker is Healthy again (was Degraded)",
        ];
        var lines = capture.Lines.ToList();
        Assert.That(lines, Has.Count.EqualTo(expected.Length), capture.All);
        for (var i = 0; i < expected.Length; i++)
            Assert.That(lines[i], Does.StartWith(expected[i]), capture.All);
        Assert.That(capture.All, Does.Not.Contain("masstransit-bus"), "a check that stays healthy is never logged");
    }

    private static HealthReport Report(params (string Name, HealthStatus Status, string Description)[] checks) =>
        new(checks.ToDictionary(c => c.Name, c => new HealthReportEntry(c.Status, c.Description, TimeSpan.Zero, null, null)), TimeSpan.Zero);
}
