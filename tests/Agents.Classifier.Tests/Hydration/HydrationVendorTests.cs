using Agents.Classifier.Hydration;
using Agents.Classifier.Pipeline;
using Agents.Contracts;
using Agents.Crm.Policy;
using Agents.Crm.Reading;
using Agents.Testing;
using Agents.Writer.Tests.FakeVendors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Agents.Classifier.Tests.Hydration;

/// <summary>
/// Hydration from each CRM's fake with the shipped policy (<see cref="ReadableTickets"/>): a read refused as 429 with
/// Retry-After, then 5xx, then garbage, then answered, gives the ticket's text; a wrong credential leaves it unread. In
/// both, no step and no log line holds the credential (the canary), and no step holds the ticket's text.
/// </summary>
[TestFixtureSource(typeof(ReadableTickets), nameof(ReadableTickets.Crms))]
public class HydrationVendorTests(string crm)
{
    private ReadableTickets _vendor = null!;
    private LogCapture _logs = null!;

    [SetUp]
    public async Task Start()
    {
        _vendor = await ReadableTickets.StartAsync(crm);
        _logs = new LogCapture();
    }

    [TearDown]
    public async Task Stop()
    {
        _logs.Dispose();
        await _vendor.Server.DisposeAsync();
    }

    private ServiceProvider Services(string? credentials = null)
    {
        var settings = _vendor.Settings(credentials);
        settings["Classifier:Hydration:Attempts"] = "4";
        settings["Classifier:Hydration:RetryDelay"] = "00:00:00.010";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace))
            .Configure<ClassifierOptions>(configuration.GetSection(ClassifierOptions.Section))
            .AddSingleton(AgentPolicy.Load(Path.Combine(AppContext.BaseDirectory, "policy.yaml")))
            .AddCrmReaders(configuration)
            .AddSingleton<TicketHydrator>()
            .BuildServiceProvider();
    }

    private TicketReceived Thin() => new()
    {
        Source = crm, ExternalId = _vendor.Id, EventKind = "creation", DeliveryId = $"{crm}-{Guid.NewGuid():N}",
        NeedsHydration = true, ReceivedAt = DateTimeOffset.UtcNow,
    };

    [Test]
    public async Task A_ticket_refused_three_ways_is_read_on_the_fourth_attempt()
    {
        await using var services = Services();
        _vendor.Server.FailNext(429, _vendor.RateLimitBody, TimeSpan.FromSeconds(1));
        _vendor.Server.FailNext(503, _vendor.ServerErrorBody);
        _vendor.Server.FailNext(200, "<html><body>Bad gateway</body></html>");
        var ticket = Thin();
        var steps = new StepRecorder(ticket);

        var (read, unreadable) = await services.GetRequiredService<TicketHydrator>().HydrateAsync(ticket, steps, CancellationToken.None);

        Assert.That(unreadable, Is.Null);
        Assert.That((read.NeedsHydration, read.Subject), Is.EqualTo((false, ReadableTickets.Subject)));
        Assert.That(read.Body, Does.StartWith(ReadableTickets.Description).And.EndWith(ReadableTickets.NewestComments[0]),
            "the description, then the comments oldest first");
        Assert.That(steps.Outline(), Is.EqualTo("crm-read:retry, crm-read:retry, crm-read:retry, crm-read:ok, crm-read:ok"),
            "three refusals retried, the ticket read, the requester's tickets read");
        var gets = _vendor.Server.Requests.ToList();
        Assert.That(gets[1].At - gets[0].At, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)), "Retry-After honoured");
        AssertNoSecretIn(steps);
        Assert.That(Details(steps), Does.Not.Contain(ReadableTickets.Description), "no ticket text in a step");
    }

    [Test]
    public async Task A_wrong_credential_leaves_the_ticket_unread_after_one_attempt()
    {
        const string wrong = "wrong-credential-canary-7a8b9c";
        await using var services = Services(wrong);
        var ticket = Thin();
        var steps = new StepRecorder(ticket);

        var (read, unreadable) = await services.GetRequiredService<TicketHydrator>().HydrateAsync(ticket, steps, CancellationToken.None);

        Assert.That(read.NeedsHydration, Is.True);
        Assert.That(unreadable, Does.Contain("401"));
        Assert.That(steps.Outline(), Is.EqualTo("crm-read:failed"), "a 401 does not change with another attempt");
        AssertNoSecretIn(steps, wrong, unreadable);
    }

    private static string Details(StepRecorder steps) => string.Join("\n", steps.Steps.Select(s => $"{s.Step} {s.Outcome} {s.Detail}"));

    private void AssertNoSecretIn(StepRecorder steps, string? configured = null, string? reason = null)
    {
        Assert.That(_logs.Lines, Is.Not.Empty, "the log lines were captured");
        foreach (var secret in _vendor.Secrets(configured))
        {
            Assert.That(Details(steps), Does.Not.Contain(secret), "a step holds the credential");
            Assert.That(_logs.All, Does.Not.Contain(secret), "a log line holds the credential");
            Assert.That(reason ?? "", Does.Not.Contain(secret), "the escalation's reason holds the credential");
        }
    }
}
