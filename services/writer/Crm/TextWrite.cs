using System.Net;
using System.Text.RegularExpressions;
using Agents.Contracts;

namespace Agents.Writer.Crm;

/// <summary>
/// What the adapters share for the writes that carry text for people (<see cref="WriteKinds.Texts"/>: a reply, a
/// note). Vendors offer no idempotency key for comments and notes, and a second identical reply to a customer is not
/// harmless the way setting a field twice is: an adapter reads the ticket's newest comments first and posts nothing
/// when one already says the same (<see cref="IsSame"/>). No marker is added to the text, since a public reply must
/// read as written; the price is that a second write with exactly the same words on the same ticket counts as posted.
/// Two attempts racing at the very same moment can both miss the other's comment: the vendors give nothing to stop it.
/// </summary>
public static partial class TextWrite
{
    /// <summary>The text to post: the write's <c>body</c> change (as the approver left it).</summary>
    public static string Body(ApplyWrite write) =>
        write.Changes.TryGetValue("body", out var body) && body.Trim().Length > 0
            ? body.Trim()
            : throw new CrmWriteException($"Write {write.IdempotencyKey} ({write.Kind}) has no text in its 'body' change.", retryable: false);

    /// <summary>The text as HTML (Freshdesk and HubSpot take HTML): escaped, blank lines as paragraphs, lines as breaks.</summary>
    public static string Html(string text) =>
        string.Concat(text.ReplaceLineEndings("\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(p => $"<p>{string.Join("<br>", p.Split('\n').Select(WebUtility.HtmlEncode))}</p>"));

    /// <summary>Whether a posted comment (plain text or HTML) says the same as <paramref name="text"/>.</summary>
    public static bool IsSame(string? posted, string text) => posted is not null && Normalized(posted) == Normalized(text);

    private static string Normalized(string text) =>
        Spaces().Replace(WebUtility.HtmlDecode(Tags().Replace(text, " ")), " ").Trim();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
