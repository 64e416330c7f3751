using System.Globalization;
using System.Text.RegularExpressions;
using Agents.Crm.Vendors;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Agents.Crm.Reading;

/// <summary>
/// GitHub issues, for the ticket id <c>owner/repo#n</c>: <c>GET /repos/{owner}/{repo}/issues/{n}</c> (title, body,
/// author), its comments (<c>…/comments</c>, oldest first, so the last page holds the newest), and the author's other
/// issues in the repository (<c>GET /repos/{owner}/{repo}/issues?creator={login}&amp;state=all&amp;sort=updated</c>).
/// </summary>
public sealed partial class GitHubReader(IHttpClientFactory http, CrmReadGate gate, IMemoryCache cache, IOptions<CrmReadingOptions> reading,
    IOptions<GitHubOptions> options) : HttpCrmReader(http, gate, cache, reading)
{
    public override string Name => "github";

    public override string? MissingSettings => options.Value.MissingSettings;

    public override async Task<CrmTicket> ReadTicketAsync(string externalId, CancellationToken cancellationToken)
    {
        var (repository, number) = Issue(externalId);
        var issue = await GetJsonAsync($"repos/{repository}/issues/{number}", cancellationToken);
        if (Id(issue, "number") is null)
            throw Malformed("issue number");
        var count = issue.TryGetProperty("comments", out var c) && c.TryGetInt32(out var n) ? n : 0;
        IReadOnlyList<CrmComment> comments = [];
        if (count > 0)
        {
            var perPage = Reading.LatestComments;
            var lastPage = (count + perPage - 1) / perPage;
            var pages = await GetJsonAsync(string.Create(CultureInfo.InvariantCulture,
                $"repos/{repository}/issues/{number}/comments?per_page={perPage}&page={lastPage}"), cancellationToken);
            comments = Array(pages).Select(x => new CrmComment(Text(x, "body"), Time(x, "created_at"), Public: true)).Reverse().ToList();
        }
        var author = issue.TryGetProperty("user", out var user) ? Text(user, "login") : "";
        return new CrmTicket(externalId, Text(issue, "title"), Text(issue, "body"), comments, author.Length > 0 ? author : null);
    }

    public override async Task<IReadOnlyList<CrmTicketSummary>> RequesterTicketsAsync(CrmTicket ticket, CancellationToken cancellationToken)
    {
        if (ticket.RequesterId is not { } login || !Login().IsMatch(login))
            return [];
        var (repository, _) = Issue(ticket.Id);
        var answer = await GetJsonAsync(string.Create(CultureInfo.InvariantCulture,
            $"repos/{repository}/issues?creator={login}&state=all&sort=updated&direction=desc&per_page={Reading.RecentTickets + 1}"), cancellationToken);
        return Array(answer)
            .Select(i => new CrmTicketSummary($"{repository}#{Id(i, "number")}", Text(i, "title"), Text(i, "state"), Time(i, "updated_at")))
            .Where(t => t.Id != ticket.Id)
            .Take(Reading.RecentTickets)
            .ToList();
    }

    protected override (bool Retryable, TimeSpan? RetryAfter) Classify(HttpResponseMessage response) => VendorAnswers.ClassifyGitHub(response);

    private static (string Repository, string Number) Issue(string externalId)
    {
        var match = IssueId().Match(externalId);
        return match.Success
            ? ($"{match.Groups[1].Value}/{match.Groups[2].Value}", match.Groups[3].Value)
            : throw new CrmReadException($"github: '{externalId}' is not a GitHub issue id (owner/repo#number)", retryable: false);
    }

    [GeneratedRegex(@"^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9_.-]{1,100})#([0-9]{1,10})$")]
    private static partial Regex IssueId();

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")]
    private static partial Regex Login();
}
