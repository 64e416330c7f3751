using Agents.Crm.Reading;
using Agents.Writer.Tests.FakeVendors;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// Each CRM's reader against its local fake speaking the vendor's read API and failures (<see cref="ReadableTickets"/>):
/// the ticket with its newest comments and the requester's other tickets; 401, 404, 429 with Retry-After (the pause
/// is kept), 5xx and a garbage body, each read as the vendor meant it; and the credential in no message or log line.
/// </summary>
[TestFixtureSource(typeof(ReadableTickets), nameof(ReadableTickets.Crms))]
public class CrmReaderVendorTests(string crm) : ReadingFixture(crm)
{
    private ICrmReader Reader(ServiceProvider services) => services.GetServices<ICrmReader>().Single(r => r.Name == Crm);

    [Test]
    public async Task Reads_the_ticket_its_newest_comments_and_the_requesters_other_tickets()
    {
        await using var services = Readers().BuildServiceProvider();
        var reader = Reader(services);

        var ticket = await reader.ReadTicketAsync(Vendor.Id, CancellationToken.None);
        var others = await reader.RequesterTicketsAsync(ticket, CancellationToken.None);

        Assert.That((ticket.Id, ticket.Subject, ticket.Description), Is.EqualTo((Vendor.Id, ReadableTickets.Subject, ReadableTickets.Description)));
        Assert.That(ticket.LatestComments.Select(c => c.Text), Is.EqualTo(ReadableTickets.NewestComments), "newest first, as text, the description not twice");
        Assert.That(others.Select(o => (o.Id, o.Subject)), Is.EqualTo(new[] { (Vendor.OtherId, ReadableTickets.OtherSubject) }),
            "the requester's other ticket: not this one, not somebody else's");
        Assert.That(Vendor.Server.Requests.Where(r => r.Method != "GET").Select(r => r.PathAndQuery), Is.All.EndsWith("/batch/read"),
            "reads only (HubSpot serves batch reads as POST)");
        AssertNoSecret(null);
    }

    private static IEnumerable<TestCaseData> Refusals()
    {
        yield return new TestCaseData("401", false).SetName("{m}(401 wrong credentials)");
        yield return new TestCaseData("404", false).SetName("{m}(404 no such ticket)");
        yield return new TestCaseData("503", true).SetName("{m}(5xx)");
        yield return new TestCaseData("garbage", true).SetName("{m}(a 200 that is not JSON)");
    }

    [TestCaseSource(nameof(Refusals))]
    public async Task A_refused_read_says_whether_to_try_again(string failure, bool retryable)
    {
        const string wrong = "wrong-credential-canary-1f2e3d";
        await using var services = Readers(failure == "401" ? wrong : null).BuildServiceProvider();
        var reader = Reader(services);
        if (failure == "503")
            Vendor.Server.FailNext(503, Vendor.ServerErrorBody);
        if (failure == "garbage")
            Vendor.Server.FailNext(200, "<html><body><h1>502 Bad Gateway</h1></body></html>");

        var refused = await Assert.ThrowsAsync<CrmReadException>(() =>
            reader.ReadTicketAsync(failure == "404" ? Vendor.MissingId : Vendor.Id, CancellationToken.None));

        Assert.That(refused!.Retryable, Is.EqualTo(retryable), refused.Message);
        Assert.That(refused.Message, Does.StartWith(Crm).And.Contain(failure == "garbage" ? "not JSON" : failure));
        AssertNoSecret(failure == "401" ? wrong : null, ("the message", refused.Message));
    }

    [Test]
    public async Task A_429_with_Retry_After_pauses_every_read_of_that_CRM_until_it_passed()
    {
        await using var services = Readers().BuildServiceProvider();
        var reader = Reader(services);
        Vendor.Server.FailNext(429, Vendor.RateLimitBody, TimeSpan.FromSeconds(1));

        var refused = await Assert.ThrowsAsync<CrmReadException>(() => reader.ReadTicketAsync(Vendor.Id, CancellationToken.None));
        var refusedAt = Vendor.Server.Requests.Last().At;
        var ticket = await reader.ReadTicketAsync(Vendor.Id, CancellationToken.None);

        Assert.That((refused!.Retryable, refused.RetryAfter), Is.EqualTo((true, (TimeSpan?)TimeSpan.FromSeconds(1))));
        Assert.That(ticket.Subject, Is.EqualTo(ReadableTickets.Subject), "read once the pause passed");
        var next = Vendor.Server.Requests.Where(r => r.At > refusedAt).Min(r => r.At);
        Assert.That(next - refusedAt, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)), "no read went to the CRM before Retry-After passed");
        AssertNoSecret(null, ("the message", refused.Message));
    }
}
