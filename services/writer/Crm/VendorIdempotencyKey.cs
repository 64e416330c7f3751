using System.Security.Cryptography;
using System.Text;
using Agents.Contracts;

namespace Agents.Writer.Crm;

public static class VendorIdempotencyKey
{
    /// <summary>The key a vendor sees for one generation of a write: <c>{key}#{generation}</c>.</summary>
    public static string For(ApplyWrite write, int maxLength) => For($"{write.IdempotencyKey}#{write.Generation}", maxLength);

    /// <summary>Our key as is when it fits the vendor's limit, else its SHA-256 (still one value per write).</summary>
    public static string For(string idempotencyKey, int maxLength) =>
        idempotencyKey.Length <= maxLength
            ? idempotencyKey
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)));
}
