using Agents.Classifier.Hydration;
using Agents.Classifier.Pipeline;
using Agents.Contracts;
using Agents.Crm.Policy;
using Agents.Writer.Tests.FakeVendors;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Classifier.Tests.Hydration;

/// <summary>
/// Hydration from each CRM's fake with the shipped policy (<see cref="ReadableTickets"/>): a read refused as 429 with
/// Retry-After, then 5xx, then garbage, then answered, gives the ticket's text; a wrong credential leaves it unread. In
/// both, no step and no log line holds the credential (the canary), and no step holds the ticket's text.
/// </summary>
[TestFixtureSource(typeof(ReadableTickets), nameof(ReadableTickets.Crms))]
public class HydrationVendorTests(string crm) : ReadingFixture(crm)
{
    private ServiceProvider Services(string? credentials = null)
    {
        var services = Readers(credentials, new Dictionary<string, string?>
        {
            ["Classifier:Hydration:Attempts"] = "4",
            ["Classifier:Hydration:RetryDelay"] = "00:00:00.010",
        });
        services.AddOptions<ClassifierOptions>().BindConfiguration(ClassifierOptions.Section);
        return services
            .AddSingleton(AgentPolicy.Load(Path.Combine(AppContext.BaseDirectory, "policy.yaml")))
            .AddSingleton<TicketHydrator>()
            .BuildServiceProvider();
    }

    private TicketReceived Thin() => new()
    {
        Source = Crm, ExternalId = Vendor.Id, EventKind = "creation", DeliveryId = $"{Crm}-{Guid.NewGuid():N}",
        NeedsHydration = true, ReceivedAt = DateTimeOffset.UtcNow,
    };

    [Test]
    public async Task A_ticket_refused_three_ways_is_read_on_the_fourth_attempt()
    {
        await using var services = Services();
        Vendor.Server.FailNext(429, Vendor.RateLimitBody, TimeSpan.FromSeconds(1));
        Vendor.Server.FailNext(503, Vendor.ServerErrorBody);
        Vendor.Server.FailNext(200, "<html><body>Bad gateway</body></html>");
        var ticket = Thin();
        var steps = new StepRecorder(ticket);

        var (read, unreadable) = await services.GetRequiredService<TicketHydrator>().HydrateAsync(ticket, steps, CancellationToken.None);

        Assert.That(unreadable, Is.Null);
        Assert.That((read.NeedsHydration, read.Subject), Is.EqualTo((false, ReadableTickets.Subject)));
        Assert.That(read.Body, Does.StartWith(ReadableTickets.Description).And.EndWith(ReadableTickets.NewestComments[0]),
            "the description, then the comments oldest first");
        Assert.That(steps.Outline(), Is.EqualTo("crm-read:retry, crm-read:retry, crm-read:retry, crm-read:ok, crm-read:ok"),
            "three refusals retried, the ticket read, the requester's tickets read");
        var requests = Vendor.Server.Requests.ToList();
        Assert.That(requests[1].At - requests[0].At, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)), "Retry-After honoured");
        AssertNoSecret(null, ("a step", Details(steps)));
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
        AssertNoSecret(wrong, ("a step", Details(steps)), ("the escalation's reason", unreadable));
    }

    private static string Details(StepRecorder steps) => string.Join("\n", steps.Steps.Select(s => $"{s.Step} {s.Outcome} {s.Detail}"));
}
