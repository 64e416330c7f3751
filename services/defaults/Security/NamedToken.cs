using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Agents.ServiceDefaults.Security;

/// <summary>Someone allowed to call an API (an approver, an operator), known by the token configured for them.</summary>
public class NamedToken
{
    public string Name { get; set; } = "";
    public string Token { get; set; } = "";
}

public static class NamedTokens
{
    /// <summary>The token of an <c>Authorization: Bearer …</c> header, or null.</summary>
    public static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    /// <summary>
    /// The holder of <paramref name="presented"/>, or null. Compared with every holder, without an early exit, so the
    /// time taken says nothing about which token came close; a holder without a token never matches.
    /// </summary>
    public static T? Match<T>(string? presented, IEnumerable<T> holders) where T : NamedToken
    {
        if (string.IsNullOrEmpty(presented))
            return null;
        var presentedBytes = Encoding.UTF8.GetBytes(presented);
        T? match = null;
        foreach (var holder in holders.Where(h => h.Token.Length > 0))
        {
            if (CryptographicOperations.FixedTimeEquals(presentedBytes, Encoding.UTF8.GetBytes(holder.Token)))
                match ??= holder;
        }
        return match;
    }
}
