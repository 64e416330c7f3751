namespace Agents.Writer.Tests.FakeVendors;

/// <summary>
/// One ticket written the same in each vendor's fake, for the read side's tests: <see cref="Subject"/> and
/// <see cref="Description"/>, two comments after it (<see cref="NewestComments"/>, newest first once read), and its
/// requester's other ticket (<see cref="OtherSubject"/>); a third ticket belongs to somebody else. Also what each
/// vendor answers when it is over its rate limit or failing, in its own words.
/// </summary>
public sealed record ReadableTickets(string Crm, FakeVendorServer Server, string Id, string OtherId, string MissingId,
    string RateLimitBody, string ServerErrorBody)
{
    public const string Subject = "Export fails";
    public const string Description = "The nightly export stops at 80 %.";
    public const string OtherSubject = "Login loop";
    public static readonly string[] NewestComments = ["Attached the log.", "Tried again, same error."];

    public static readonly string[] Crms = ["zendesk", "hubspot", "freshdesk", "github"];

    private static readonly DateTimeOffset Written = DateTimeOffset.Parse("2026-12-01T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The vendor's settings (address and credentials) for <see cref="Server"/>, <paramref name="credentials"/> instead of the right ones when given.</summary>
    public Dictionary<string, string?> Settings(string? credentials = null) => VendorAccounts.Settings([Server], credentials: credentials);

    public static async Task<ReadableTickets> StartAsync(string crm)
    {
        var (first, second) = (Written.AddHours(1), Written.AddHours(2));
        switch (crm)
        {
            case "zendesk":
                var zendesk = await FakeZendesk.StartAsync(VendorAccounts.ZendeskEmail, VendorAccounts.ZendeskToken, 101, 102, 103);
                zendesk.Texts[101] = new(Subject, Description, 9001, second);
                zendesk.Texts[102] = new(OtherSubject, "I cannot log in.", 9001, Written);
                zendesk.Texts[103] = new("Someone else's", "", 9002, second);
                zendesk.AddComment(101, Description); // Zendesk keeps the description as the ticket's first comment
                zendesk.AddComment(101, NewestComments[1]);
                zendesk.AddComment(101, NewestComments[0]);
                return new(crm, zendesk, "101", "102", "404",
                    """{"error":"APIRateLimitExceeded","description":"Number of allowed API requests per minute exceeded"}""",
                    """{"error":"ServiceUnavailable","description":"Zendesk is temporarily unavailable"}""");
            case "hubspot":
                var hubSpot = await FakeHubSpot.StartAsync(VendorAccounts.HubSpotToken, "101", "102", "103");
                hubSpot.Tickets["101"]["subject"] = Subject;
                hubSpot.Tickets["101"]["content"] = Description;
                hubSpot.Tickets["102"]["subject"] = OtherSubject;
                hubSpot.Tickets["102"]["hs_lastmodifieddate"] = Written.ToString("O");
                hubSpot.AddNote("101", "<p>Tried again, <b>same</b> error.</p>", first);
                hubSpot.AddNote("101", NewestComments[0], second);
                hubSpot.TicketContacts["101"] = "9001";
                hubSpot.TicketContacts["102"] = "9001";
                hubSpot.TicketContacts["103"] = "9002";
                return new(crm, hubSpot, "101", "102", "404",
                    """{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT","policyName":"SECONDLY"}""",
                    """{"status":"error","message":"Service Unavailable","category":"SERVICE_UNAVAILABLE"}""");
            case "freshdesk":
                var freshdesk = await FakeFreshdesk.StartAsync(VendorAccounts.FreshdeskKey, 101, 102, 103);
                freshdesk.Texts[101] = new(Subject, $"<div>{Description}</div>", 9001, second);
                freshdesk.Texts[102] = new(OtherSubject, "<div>I cannot log in.</div>", 9001, Written);
                freshdesk.Texts[103] = new("Someone else's", "", 9002, second);
                freshdesk.AddConversation(101, NewestComments[1], first);
                freshdesk.AddConversation(101, NewestComments[0], second);
                return new(crm, freshdesk, "101", "102", "404",
                    """{"code":"too_many_requests","message":"You have exceeded the limit of requests per minute"}""",
                    """{"code":"internal_error","message":"We're sorry, but something went wrong."}""");
            case "github":
                var gitHub = await FakeGitHub.StartAsync(VendorAccounts.GitHubToken, "acme/app#101", "acme/app#102", "acme/app#103");
                var issue = new GitHubIssueText(Subject, Description, "octocat", "open", second);
                issue.Comments.Add((NewestComments[1], "octocat", first));
                issue.Comments.Add((NewestComments[0], "octocat", second));
                gitHub.Texts["acme/app#101"] = issue;
                gitHub.Texts["acme/app#102"] = new(OtherSubject, "I cannot log in.", "octocat", "closed", Written);
                gitHub.Texts["acme/app#103"] = new("Someone else's", "", "hubot", "open", second);
                return new(crm, gitHub, "acme/app#101", "acme/app#102", "acme/app#404",
                    """{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api","status":"429"}""",
                    """{"message":"Server Error","documentation_url":"https://docs.github.com/rest","status":"502"}""");
            default:
                throw new ArgumentOutOfRangeException(nameof(crm), crm, "no fake for this CRM");
        }
    }

    /// <summary>Every credential the tests must never find: the configured one, and each Authorization value the vendor received.</summary>
    public IEnumerable<string> Secrets(string? configured = null) =>
        new[] { configured ?? Credential }
            .Concat(Server.Requests.Select(r => r.Authorization ?? "").Where(a => a.Contains(' ', StringComparison.Ordinal)).Select(a => a[(a.IndexOf(' ', StringComparison.Ordinal) + 1)..]))
            .Distinct();

    private string Credential => Crm switch
    {
        "zendesk" => VendorAccounts.ZendeskToken,
        "hubspot" => VendorAccounts.HubSpotToken,
        "freshdesk" => VendorAccounts.FreshdeskKey,
        _ => VendorAccounts.GitHubToken,
    };
}
