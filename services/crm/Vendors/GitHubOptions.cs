namespace Agents.Crm.Vendors;

/// <summary><c>Crm:GitHub</c>: the token the GitHub adapter labels issues with, and where the API is.</summary>
public sealed class GitHubOptions
{
    public const string Section = "Crm:GitHub";

    /// <summary>https://api.github.com, or a GitHub Enterprise Server's https://{host}/api/v3.</summary>
    public string BaseUrl { get; set; } = "https://api.github.com";

    /// <summary>A fine-grained token (or a GitHub App's installation token) with Issues: write on the repositories.</summary>
    public string Token { get; set; } = "";

    /// <summary>What the GitHub adapter and reader lack to work at all, or null.</summary>
    public string? MissingSettings => Token.Length == 0 ? "Crm:GitHub:Token is not set" : null;

    /// <summary>The label an escalation adds to the issue.</summary>
    public string EscalationLabel { get; set; } = "needs-human";
}
