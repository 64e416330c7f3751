using System.Net.Http.Json;
using System.Text.Json;
using Agents.Crm.Reading;
using Agents.Writer.Tests.FakeVendors;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// The fake GitHub keeps one comment list per issue, as GitHub does: a comment we posted (a drafted note) counts in the
/// issue's <c>comments</c> and is what the reader sees as newest. The reader pages by that count, so a fake that left
/// posted comments out of it hid them from every read of an issue that had none before.
/// </summary>
public class GitHubPostedCommentTests() : ReadingFixture("github")
{
    [Test]
    public async Task A_comment_posted_to_an_issue_is_counted_and_read_as_its_newest()
    {
        using var http = new HttpClient { BaseAddress = Vendor.Server.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new("Bearer", VendorAccounts.GitHubToken);
        http.DefaultRequestHeaders.UserAgent.ParseAdd("agents-tests");
        var posted = await http.PostAsJsonAsync("repos/acme/app/issues/103/comments", new { body = "Posted by the writer" });
        Assert.That((int)posted.StatusCode, Is.EqualTo(201), await posted.Content.ReadAsStringAsync());

        var issue = await http.GetFromJsonAsync<JsonElement>("repos/acme/app/issues/103");
        await using var services = Readers().BuildServiceProvider();
        var ticket = await services.GetServices<ICrmReader>().Single(r => r.Name == Crm).ReadTicketAsync("acme/app#103", CancellationToken.None);

        Assert.That(issue.GetProperty("comments").GetInt32(), Is.EqualTo(1), "the issue counts the comment posted to it");
        Assert.That(ticket.LatestComments.Select(c => c.Text), Is.EqualTo(new[] { "Posted by the writer" }));
    }
}
