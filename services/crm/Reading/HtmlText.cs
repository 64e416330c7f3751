using System.Net;
using System.Text.RegularExpressions;

namespace Agents.Crm.Reading;

/// <summary>Comments some vendors keep as HTML (HubSpot notes), as the plain text the classifier reads.</summary>
public static partial class HtmlText
{
    public static string Plain(string html) =>
        Spaces().Replace(WebUtility.HtmlDecode(Tags().Replace(html, " ")), " ").Trim();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"[ \t\r\n]+")]
    private static partial Regex Spaces();
}
