using System.Text.Json;
using Agents.Contracts;

namespace Agents.Writer.Crm;

/// <summary>
/// Replies on GitHub: an issue comment (<c>POST /repos/{owner}/{repo}/issues/{n}/comments</c>), after reading the
/// issue's comments (oldest first, every page up to a bound) for one that already says the same (<see cref="TextWrite"/>).
/// Every issue comment is public, so an internal note (add-note) is refused when proposed, never posted for all to read.
/// </summary>
public sealed partial class GitHubCrmAdapter
{
    private async Task ApplyReplyAsync(string issuePath, ApplyWrite write, CancellationToken cancellationToken)
    {
        var text = TextWrite.Body(write);
        if (await AnyOnPagesAsync($"{issuePath}/comments", c => c.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.String
                && TextWrite.IsSame(b.GetString(), text), cancellationToken))
            return;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{issuePath}/comments") { Content = Json(new { body = text }) };
        await SendAsync(request, cancellationToken);
    }
}
