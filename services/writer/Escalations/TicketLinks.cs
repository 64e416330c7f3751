using System.Text.RegularExpressions;
using Agents.Crm.Vendors;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Escalations;

/// <summary>
/// The link from an escalation to its ticket in the CRM: the configured template of its source
/// (<c>Writer:Escalations:TicketLinks:{source}</c>), else the vendor's own URL shape where the writer knows the
/// account: Zendesk <c>https://{subdomain}.zendesk.com/agent/tickets/{id}</c>, Freshdesk
/// <c>https://{domain}.freshdesk.com/a/tickets/{id}</c>, GitHub <c>https://github.com/{repo}/issues/{number}</c> (or
/// the Enterprise server of <c>Crm:GitHub:BaseUrl</c>), Front <c>https://app.frontapp.com/open/{id}</c>. HubSpot, Jira,
/// Intercom and Groove addresses carry an account id the writer does not have: configure them. Templates are checked
/// at start (an absolute http(s) address naming the ticket), so a typo stops the writer rather than every link.
/// </summary>
public sealed partial class TicketLinks
{
    private readonly Dictionary<string, string> _templates = new(StringComparer.OrdinalIgnoreCase);

    public TicketLinks(IOptions<WriterOptions> writer, IOptions<ZendeskOptions> zendesk, IOptions<FreshdeskOptions> freshdesk,
        IOptions<GitHubOptions> github)
    {
        // The account's own address, not BaseUrl: that may point the API at a proxy a person's browser cannot open.
        var z = zendesk.Value;
        if (z.Subdomain.Length > 0)
            _templates["zendesk"] = $"https://{z.Subdomain}.zendesk.com/agent/tickets/{{id}}";
        var f = freshdesk.Value;
        if (f.Domain.Length > 0)
            _templates["freshdesk"] = $"https://{f.Domain}.freshdesk.com/a/tickets/{{id}}";
        _templates["github"] = Join(GitHubWeb(github.Value.BaseUrl), "{repo}/issues/{number}");
        _templates["front"] = "https://app.frontapp.com/open/{id}";
        foreach (var (source, template) in writer.Value.Escalations.TicketLinks)
        {
            if (Check(template) is { } problem)
                throw new InvalidOperationException($"Writer:Escalations:TicketLinks:{source} ('{template}') {problem}.");
            _templates[source.Trim()] = template.Trim();
        }
    }

    /// <summary>The ticket's page, or null when the source has no template or the id does not fit it.</summary>
    public string? For(string source, string externalId)
    {
        if (!_templates.TryGetValue(source, out var template))
            return null;
        var issue = Issue().Match(externalId);
        if ((template.Contains("{repo}") || template.Contains("{number}")) && !issue.Success)
            return null;
        return template
            .Replace("{id}", Uri.EscapeDataString(externalId))
            .Replace("{repo}", issue.Success ? $"{Uri.EscapeDataString(issue.Groups[1].Value)}/{Uri.EscapeDataString(issue.Groups[2].Value)}" : "")
            .Replace("{number}", issue.Success ? issue.Groups[3].Value : "");
    }

    private static string? Check(string template)
    {
        if (!template.Contains("{id}") && !template.Contains("{number}"))
            return "names no ticket: put {id} (or {repo} and {number}) where the ticket id goes";
        var sample = template.Replace("{id}", "1").Replace("{repo}", "o/r").Replace("{number}", "1");
        return Uri.TryCreate(sample.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? null
            : "is not an absolute http(s) address";
    }

    /// <summary>github.com's pages for the public API; an Enterprise server's for its <c>https://host/api/v3</c>.</summary>
    private static Uri GitHubWeb(string apiBase)
    {
        var api = new Uri(apiBase);
        if (api.Host.Equals("api.github.com", StringComparison.OrdinalIgnoreCase))
            return new Uri("https://github.com/");
        return new Uri(api.GetLeftPart(UriPartial.Authority) + "/");
    }

    private static string Join(Uri baseUrl, string path) => baseUrl.AbsoluteUri.TrimEnd('/') + "/" + path;

    [GeneratedRegex(@"^([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9_.-]{1,100})#([0-9]{1,10})$")]
    private static partial Regex Issue();
}
