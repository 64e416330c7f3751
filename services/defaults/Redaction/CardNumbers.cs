using System.Text.RegularExpressions;

namespace Agents.ServiceDefaults.Redaction;

/// <summary>
/// Payment card numbers: 13 to 19 digits, in groups or not, passing Luhn; an order or tracking number of the same
/// length fails the check nine times in ten. The pattern may run on into the digits after the number ("4111 1111
/// 1111 1111 12/29"), so the longest stretch ending between groups that passes the check is the card.
/// </summary>
public static partial class CardNumbers
{
    public static void Find(string text, List<Finding> found)
    {
        foreach (var m in Card().EnumerateMatches(text))
        {
            var candidate = text.AsSpan(m.Index, m.Length);
            for (var end = candidate.Length; end >= 13; end--)
            {
                if (end < candidate.Length && char.IsAsciiDigit(candidate[end]) || !char.IsAsciiDigit(candidate[end - 1]))
                    continue;
                if (Checksums.IsLuhnCard(candidate[..end]))
                {
                    found.Add(new Finding(m.Index, end, SecretKinds.Card));
                    break;
                }
            }
        }
    }

    [GeneratedRegex(@"(?<![\d.,-])\d{4}(?:[ \u00A0.-]?\d){9,19}(?![\d-]|[.,]\d)")]
    private static partial Regex Card();
}
