using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Agents.Ingest.Webhooks;
using Agents.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>Deliveries sent again: captured ones replayed under a fresh id, and batches racing each other.</summary>
[TestFixture]
public class ResentDeliveryTests : SharedIngestFixture
{
    /// <summary>Sources whose delivery id travels in a header the signature does not cover.</summary>
    public static IEnumerable<TestCaseData> UnsignedIds() =>
    [
        new("github", "github_issues_opened.json", "\"number\": 17", "\"number\": {0}"),
        new("jira", "jira_issue_created.json", "\"SUP-42\"", "\"SUP-{0}\""),
    ];

    [TestCaseSource(nameof(UnsignedIds))]
    public async Task A_captured_delivery_replayed_under_a_fresh_id_is_a_duplicate(string source, string fixture, string find, string replace)
    {
        var unique = Random.Shared.NextInt64(1_000_000_000, 9_000_000_000).ToString();
        var body = Fixtures.Read(fixture).Replace(find, string.Format(replace, unique));

        var original = await _host.SendAsync(source, body, Guid.NewGuid().ToString());
        Assert.That(original.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await original.Content.ReadAsStringAsync());
        // The same signed bytes, a new delivery id: what anyone who saw the request once can send again.
        var replayed = await _host.SendAsync(source, body, Guid.NewGuid().ToString());
        Assert.That(replayed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await replayed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean(), Is.True);
        // A real new event about the same ticket (other bytes) is not one.
        var edited = await _host.SendAsync(source, body.Replace("\"opened\"", "\"edited\"").Replace("issue_created", "issue_updated"), Guid.NewGuid().ToString());
        Assert.That(edited.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await edited.Content.ReadAsStringAsync());

        await Eventually.Until(() => Task.FromResult(_host.Published(unique)), n => n >= 2, TimeSpan.FromSeconds(10), "the two events on the bus");
        await Task.Delay(300);
        Assert.That(_host.Published(unique), Is.EqualTo(2), "the replay was not published");
    }

    [Test]
    public async Task Two_hubspot_batches_naming_the_same_events_in_opposite_orders_are_both_answered_within_a_second()
    {
        // Warm the path first: the first batch of a process pays for compiling it.
        Assert.That((await _host.SendAsync("hubspot", Batch(Enumerable.Range(0, 3).Select(i => Random.Shared.NextInt64(1, long.MaxValue))))).StatusCode,
            Is.EqualTo(HttpStatusCode.Accepted));
        var events = Enumerable.Range(0, 100).Select(_ => Random.Shared.NextInt64(1, long.MaxValue)).ToArray();
        // A third delivery on this instance is publishing the middle event right now (HubSpot regroups what it
        // retries): both batches reach it from opposite ends, holding the events before it, and wait.
        var inFlight = _host.Service.Services.GetRequiredService<InFlightDeliveries>();
        var middle = $"hubspot\n{events[50]}";
        var held = await inFlight.ClaimOrWaitAsync(middle, CancellationToken.None);
        Assert.That(held, Is.Not.Null);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var forward = _host.Client.SendAsync(VendorRequests.Signed("hubspot", Batch(events), _host.Service.Address), timeout.Token);
        var backward = _host.Client.SendAsync(VendorRequests.Signed("hubspot", Batch(events.Reverse()), _host.Service.Address), timeout.Token);
        await Task.Delay(500);
        Assert.That(forward.IsCompleted || backward.IsCompleted, Is.False, "both wait for the middle event");
        var released = Stopwatch.StartNew();
        inFlight.Release(middle, held!, accepted: true);

        var answers = new List<(HttpStatusCode Status, TimeSpan After)>();
        foreach (var answer in new[] { forward, backward })
        {
            try
            {
                answers.Add(((await answer).StatusCode, released.Elapsed));
            }
            catch (TaskCanceledException)
            {
                Assert.Fail("a batch got no answer within 10 s: the two batches wait for each other");
            }
        }
        Assert.That(answers.Select(a => a.After), Is.All.LessThan(TimeSpan.FromSeconds(1)), "both answered within a second");
        Assert.That(answers.Select(a => a.Status), Is.EquivalentTo(new[] { HttpStatusCode.Accepted, HttpStatusCode.OK }),
            "one publishes the 99 other events, the other finds them all accepted");
        await Eventually.Until(() => Task.FromResult(_host.Published($"\"{events[0]}\"")), n => n == 1, TimeSpan.FromSeconds(10), "the first event on the bus");
        Assert.That(_host.Published($"\"{events[50]}\""), Is.Zero, "the middle event was the third delivery's to publish");
    }

    private static string Batch(IEnumerable<long> ids) => JsonSerializer.Serialize(ids.Select(id => new
    {
        eventId = id, objectId = id, subscriptionType = "ticket.creation", occurredAt = 1772533000000, portalId = 62515,
    }));
}
