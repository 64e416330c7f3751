using System.Security.Cryptography;
using System.Text;

namespace Agents.Writer.Crm;

public static class VendorIdempotencyKey
{
    /// <summary>Our key as is when it fits the vendor's limit, else its SHA-256 (still one value per write).</summary>
    public static string For(string idempotencyKey, int maxLength) =>
        idempotencyKey.Length <= maxLength
            ? idempotencyKey
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)));
}
