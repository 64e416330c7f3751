using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Agents.Writer.Tests.FakeVendors;

/// <summary>One issue comment as GitHub keeps it.</summary>
public sealed record GitHubComment(long Id, string Body);

/// <summary>
/// GitHub's issue comments as GitHub serves them: <c>POST /repos/{owner}/{repo}/issues/{n}/comments</c> with
/// <c>{"body":…}</c> (blank or missing: 422 Validation Failed), answered 201 with the comment; <c>GET</c> on the same
/// path is the read side's (FakeGitHub.Reads), which lists them after the issue's earlier comments.
/// </summary>
public sealed partial class FakeGitHub
{
    private const string CommentDocs = "https://docs.github.com/rest/issues/comments#create-an-issue-comment";
    private long _commentIds = 1500000000;

    /// <summary>Comments by issue (<c>owner/repo#n</c>), oldest first.</summary>
    public ConcurrentDictionary<string, List<GitHubComment>> Comments { get; } = new();

    private (int Status, string Body)? HandleComments(string method, string path, Microsoft.AspNetCore.Http.IQueryCollection query, string body)
    {
        var match = CommentsPath().Match(path);
        if (!match.Success)
            return null;
        var issue = $"{match.Groups[1].Value}/{match.Groups[2].Value}#{match.Groups[3].Value}";
        if (!Issues.ContainsKey(issue))
            return (404, Error("Not Found", 404));
        if (method == "GET")
            return null; // listed by the read side (FakeGitHub.Reads), the issue's first comments and these after them
        var comments = Comments.GetOrAdd(issue, _ => []);
        if (method != "POST")
            return (404, Error("Not Found", 404));
        string? text;
        try
        {
            text = JsonNode.Parse(body) is JsonObject root && root["body"]?.GetValueKind() == JsonValueKind.String ? root["body"]!.GetValue<string>() : null;
        }
        catch (JsonException)
        {
            return (400, Error("Problems parsing JSON", 400));
        }
        if (string.IsNullOrWhiteSpace(text))
            return (422, JsonSerializer.Serialize(new
            {
                message = "Validation Failed", errors = new[] { new { resource = "IssueComment", code = "missing_field", field = "body" } },
                documentation_url = CommentDocs, status = "422",
            }));
        var comment = new GitHubComment(Interlocked.Increment(ref _commentIds), text);
        lock (comments)
            comments.Add(comment);
        return (201, JsonSerializer.Serialize(Shown(issue, comment)));
    }

    internal static object Shown(string issue, GitHubComment c) => new
    {
        id = c.Id, node_id = $"IC_{c.Id}", body = c.Body, user = new { login = "agents-bot", id = 1 },
        html_url = $"https://github.com/{issue.Replace('#', '/')}#issuecomment-{c.Id}",
        created_at = DateTimeOffset.UtcNow, updated_at = DateTimeOffset.UtcNow, author_association = "NONE",
    };

    [GeneratedRegex(@"^/repos/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)/issues/([0-9]+)/comments$")]
    private static partial Regex CommentsPath();
}
