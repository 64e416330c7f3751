using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Agents.Writer.Tests.FakeVendors;

/// <summary>What the fake GitHub keeps of an issue beyond its labels: what its author wrote, and the comments after.</summary>
public sealed record GitHubIssueText(string Title, string Body, string Author, string State, DateTimeOffset UpdatedAt)
{
    /// <summary>Comments, oldest first, as GitHub lists them.</summary>
    public List<(string Body, string Author, DateTimeOffset At)> Comments { get; } = [];
}

/// <summary>
/// GitHub's issue reads as GitHub serves them: <c>GET /repos/{owner}/{repo}/issues/{n}</c> (number, title, body,
/// <c>user.login</c>, state, the <c>comments</c> count), <c>GET …/issues/{n}/comments</c> (oldest first, paged by
/// <c>per_page</c> ≤ 100, default 30, and <c>page</c>), and <c>GET /repos/{owner}/{repo}/issues</c> filtered by
/// <c>creator</c> and <c>state</c> (default open), sorted by <c>sort</c> (created, updated) and <c>direction</c>
/// (default desc); 404 Not Found for an unknown repository or issue.
/// </summary>
public sealed partial class FakeGitHub
{
    /// <summary>Issue texts by issue (<c>owner/repo#n</c>); an issue without one reads with an empty title and body.</summary>
    public ConcurrentDictionary<string, GitHubIssueText> Texts { get; } = new();

    private (int Status, string Body)? HandleRead(string method, string path, IQueryCollection query)
    {
        if (method != "GET")
            return null;
        if (IssuePath().Match(path) is { Success: true } issue)
        {
            var (repository, number) = ($"{issue.Groups[1].Value}/{issue.Groups[2].Value}", issue.Groups[3].Value);
            if (!Issues.ContainsKey($"{repository}#{number}"))
                return (404, Error("Not Found", 404));
            if (issue.Groups[4].Success)
            {
                var comments = IssueComments(repository, number);
                var perPage = int.TryParse(query["per_page"], out var pp) ? Math.Clamp(pp, 1, 100) : 30;
                var page = int.TryParse(query["page"], out var p) ? Math.Max(1, p) : 1;
                return (200, JsonSerializer.Serialize(comments.Skip((page - 1) * perPage).Take(perPage)));
            }
            return (200, JsonSerializer.Serialize(Issue(repository, number)));
        }
        if (RepositoryIssuesPath().Match(path) is not { Success: true } list)
            return null;
        var prefix = $"{list.Groups[1].Value}/{list.Groups[2].Value}#";
        var state = query["state"].ToString() is { Length: > 0 } s ? s : "open";
        var creator = query["creator"].ToString();
        var listed = Issues.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => (Key: k, Text: Text(list.Groups[1].Value + "/" + list.Groups[2].Value, k[prefix.Length..])))
            .Where(i => (state == "all" || i.Text.State == state) && (creator.Length == 0 || i.Text.Author == creator))
            .OrderBy(i => query["sort"] == "updated" ? i.Text.UpdatedAt : DateTimeOffset.UnixEpoch).ThenBy(i => i.Key)
            .ToList();
        if (query["direction"] != "asc")
            listed.Reverse();
        var take = int.TryParse(query["per_page"], out var n) ? Math.Clamp(n, 1, 100) : 30;
        return (200, JsonSerializer.Serialize(listed.Take(take).Select(i => Issue(list.Groups[1].Value + "/" + list.Groups[2].Value, i.Key[prefix.Length..]))));
    }

    /// <summary>
    /// The issue's comments as GitHub serves them, in one list as GitHub has one: those it came with, then those posted
    /// to it (FakeGitHub.Comments). The comments GET pages it; the issue's <c>comments</c> count is its length.
    /// </summary>
    private List<object> IssueComments(string repository, string number)
    {
        var key = $"{repository}#{number}";
        var written = Comments.GetValueOrDefault(key) ?? [];
        lock (written)
            return Text(repository, number).Comments.Select(object (c, i) => new
            {
                id = 5000 + i, body = c.Body, user = new { login = c.Author, type = "User" }, created_at = c.At, updated_at = c.At,
                author_association = "NONE",
            }).Concat(written.Select(c => Shown(key, c))).ToList();
    }

    private GitHubIssueText Text(string repository, string number) =>
        Texts.GetValueOrDefault($"{repository}#{number}") ?? new GitHubIssueText("", "", "ghost", "open", DateTimeOffset.UnixEpoch);

    private object Issue(string repository, string number)
    {
        var text = Text(repository, number);
        return new
        {
            id = 2_000_000 + int.Parse(number, CultureInfo.InvariantCulture), number = int.Parse(number, CultureInfo.InvariantCulture),
            url = $"https://api.github.com/repos/{repository}/issues/{number}", title = text.Title, body = text.Body,
            user = new { login = text.Author, type = "User" }, state = text.State, comments = IssueComments(repository, number).Count,
            labels = Issues[$"{repository}#{number}"].Select(name => new { name }), created_at = text.UpdatedAt, updated_at = text.UpdatedAt,
            author_association = "NONE",
        };
    }

    [GeneratedRegex(@"^/repos/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)/issues/([0-9]+)(/comments)?$")]
    private static partial Regex IssuePath();

    [GeneratedRegex(@"^/repos/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)/issues$")]
    private static partial Regex RepositoryIssuesPath();
}
