using System.Text.Json;
using Agents.Writer.Sagas;
using Agents.Writer.Tests.FakeVendors;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>The GitHub adapter through the whole writer against a local server answering as GitHub's REST API does.</summary>
[TestFixture]
public class GitHubAdapterTests : VendorFixture
{
    [Test]
    public async Task Labels_go_to_the_issue_the_ticket_id_names_and_kinds_an_issue_cannot_take_are_refused()
    {
        var github = await StartAsync(await FakeGitHub.StartAsync(VendorAccounts.GitHubToken, "acme/shop#7"), "github");
        var labels = Proposals.AddTags("acme/shop#7", "billing,vip", source: "github");
        var priority = Proposals.SetPriority("acme/shop#7", "urgent", source: "github");
        var noRepository = Proposals.AddTags("7", "billing", source: "github");
        foreach (var p in new[] { labels, priority, noRepository })
            await _host!.ProposeAsync(p);
        await _host!.WaitForStateAsync(labels.CorrelationId, WriteStates.Applied);
        await _host.WaitForStateAsync(priority.CorrelationId, WriteStates.Refused);
        await _host.WaitForStateAsync(noRepository.CorrelationId, WriteStates.Refused);

        var request = github.Requests.Single();
        Assert.Multiple(async () =>
        {
            Assert.That($"{request.Method} {request.PathAndQuery}", Is.EqualTo("POST /repos/acme/shop/issues/7/labels"));
            Assert.That(request.Authorization, Is.EqualTo("Bearer " + VendorAccounts.GitHubToken));
            Assert.That(JsonDocument.Parse(request.Body).RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()),
                Is.EqualTo(new[] { "billing", "vip" }));
            Assert.That(github.Issues["acme/shop#7"], Is.EquivalentTo(new[] { "triage", "billing", "vip" }), "added to the issue's labels");
            Assert.That((await _host.DetailAsync(priority.CorrelationId)).GetProperty("write").GetProperty("decisionReason").GetString(),
                Does.Contain("no priority or category"));
            Assert.That((await _host.DetailAsync(noRepository.CorrelationId)).GetProperty("write").GetProperty("decisionReason").GetString(),
                Does.Contain("owner/repo#number"));
        });
    }

    [Test]
    public async Task A_rate_limit_403_waits_for_the_reset_and_401_404_422_fail_at_once()
    {
        var github = await StartAsync(await FakeGitHub.StartAsync(VendorAccounts.GitHubToken, "acme/shop#8", "acme/shop#9", "acme/shop#10"), "github");
        github.RateLimitNext(TimeSpan.FromSeconds(1));
        var limited = Proposals.AddTags("acme/shop#8", "billing", source: "github");
        await _host!.ProposeAsync(limited);
        await _host.WaitForStateAsync(limited.CorrelationId, WriteStates.Applied);
        AssertWaitedAsAsked(github, requests: 2, TimeSpan.FromSeconds(1));

        github.FailNext(401, """{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}""");
        var unauthorized = Proposals.AddTags("acme/shop#9", "billing", source: "github");
        var missing = Proposals.AddTags("acme/shop#404", "billing", source: "github");
        var invalid = Proposals.AddTags("acme/shop#10", new string('x', 51), source: "github");
        await _host.ProposeAsync(unauthorized);
        await _host.WaitForStateAsync(unauthorized.CorrelationId, WriteStates.Failed);
        await _host.ProposeAsync(missing);
        await _host.ProposeAsync(invalid);
        await _host.WaitForStateAsync(missing.CorrelationId, WriteStates.Failed);
        await _host.WaitForStateAsync(invalid.CorrelationId, WriteStates.Failed);
        Assert.Multiple(async () =>
        {
            Assert.That(await FailureReasonAsync(unauthorized.CorrelationId), Does.Contain("401").And.Contain("Bad credentials"));
            Assert.That(await FailureReasonAsync(missing.CorrelationId), Does.Contain("404").And.Contain("Not Found"));
            Assert.That(await FailureReasonAsync(invalid.CorrelationId), Does.Contain("422").And.Contain("Validation Failed"));
            Assert.That(github.Requests, Has.Count.EqualTo(5), "none of the three is retried");
        });
    }
}
