using System.Text.RegularExpressions;
using Agents.Contracts;
using Agents.Crm;
using Agents.Crm.Vendors;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Crm;

/// <summary>
/// GitHub issues: labels through <c>POST /repos/{owner}/{repo}/issues/{n}/labels</c> with <c>{"labels":[…]}</c>,
/// Bearer token (set on the HttpClient). The ticket id ingest gives a GitHub issue, <c>owner/repo#n</c>, names the
/// target. GitHub adds labels to the ones the issue has, so a replay changes nothing. Issues have no priority or
/// category field: only add-tags, escalate (the label <c>Crm:GitHub:EscalationLabel</c>) and post-reply (an issue
/// comment) can be applied, other kinds are refused when proposed. GitHub signals its rate limits
/// with 403 or 429 and <c>x-ratelimit-remaining: 0</c> (wait for <c>x-ratelimit-reset</c>) or <c>Retry-After</c>.
/// </summary>
public sealed partial class GitHubCrmAdapter(IHttpClientFactory http, IOptions<GitHubOptions> options) : HttpCrmAdapter(http)
{
    public override string Name => "github";

    public override IReadOnlySet<string> Sources { get; } = new HashSet<string> { "github" };

    protected override IReadOnlySet<string> Kinds { get; } = new HashSet<string> { WriteKinds.AddTags, WriteKinds.Escalate, WriteKinds.PostReply };

    public override string? MissingSettings => options.Value.MissingSettings;

    public override string? CannotApply(string kind, string externalId)
    {
        if (base.CannotApply(kind, externalId) is { } why)
            return $"{why} (labels: GitHub issues have no priority or category field)";
        return IssueId().IsMatch(externalId) ? null : $"'{externalId}' is not a GitHub issue id (owner/repo#number)";
    }

    public override async Task ApplyAsync(ApplyWrite write, CancellationToken cancellationToken)
    {
        var issue = IssueId().Match(write.ExternalId);
        if (!Kinds.Contains(write.Kind))
            throw Unsupported(write, Name);
        if (!issue.Success)
            throw new CrmWriteException($"github: '{write.ExternalId}' is not a GitHub issue id (owner/repo#number)", retryable: false);
        var issuePath = $"repos/{issue.Groups[1].Value}/{issue.Groups[2].Value}/issues/{issue.Groups[3].Value}";
        if (write.Kind == WriteKinds.PostReply)
        {
            await ApplyReplyAsync(issuePath, write, cancellationToken);
            return;
        }
        IReadOnlyList<string> labels = write.Kind == WriteKinds.Escalate ? [options.Value.EscalationLabel] : Tags(write);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{issuePath}/labels") { Content = Json(new { labels }) };
        await SendAsync(request, cancellationToken);
    }

    protected override (bool Retryable, TimeSpan? RetryAfter) Classify(HttpResponseMessage response) => VendorAnswers.ClassifyGitHub(response);

    [GeneratedRegex(@"^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9_.-]{1,100})#([0-9]{1,10})$")]
    private static partial Regex IssueId();
}
