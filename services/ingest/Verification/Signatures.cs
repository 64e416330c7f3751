using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Agents.Ingest.Verification;

/// <summary>
/// The one place every source signs and compares: HMACs over the exact bytes, constant-time comparison, and the
/// timestamp tolerance that refuses replays of old deliveries. Sources only say which bytes and which header.
/// </summary>
public static class Signatures
{
    public static byte[] HmacSha256(byte[] key, params ReadOnlySpan<byte[]> parts) => Hmac(HashAlgorithmName.SHA256, key, parts);

    public static byte[] HmacSha1(byte[] key, params ReadOnlySpan<byte[]> parts) => Hmac(HashAlgorithmName.SHA1, key, parts);

    public static byte[] Hmac(HashAlgorithmName algorithm, byte[] key, ReadOnlySpan<byte[]> parts)
    {
        using var hmac = IncrementalHash.CreateHMAC(algorithm, key);
        foreach (var part in parts)
            hmac.AppendData(part);
        return hmac.GetHashAndReset();
    }

    public static byte[] Sha256(params ReadOnlySpan<byte[]> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
            hash.AppendData(part);
        return hash.GetHashAndReset();
    }

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>
    /// Compares a computed digest with the text a sender put in a header (hex or base64, optionally after a
    /// prefix such as <c>sha256=</c>) in constant time: the comparison is over the decoded bytes, and a value that
    /// does not decode compares against zeros so its timing tells nothing either.
    /// </summary>
    public static bool Matches(byte[] expected, string? provided, DigestEncoding encoding, string prefix = "")
    {
        if (provided is null)
            return false;
        var value = provided.Trim();
        var hasPrefix = value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
        if (hasPrefix)
            value = value[prefix.Length..];
        var decoded = Decode(value, encoding) ?? new byte[expected.Length];
        return CryptographicOperations.FixedTimeEquals(expected, decoded) && hasPrefix && decoded.Length == expected.Length;
    }

    /// <summary>Constant-time equality of two secrets of any length (hashing first hides the length too).</summary>
    public static bool SecretEquals(string? provided, string expected) =>
        provided is not null && CryptographicOperations.FixedTimeEquals(Sha256(Utf8(provided)), Sha256(Utf8(expected)));

    /// <summary>Null when the timestamp is within the tolerance of now, otherwise why not.</summary>
    public static string? CheckFreshness(string? header, string headerName, DateTimeOffset now, TimeSpan tolerance, bool milliseconds = false)
    {
        if (string.IsNullOrWhiteSpace(header))
            return $"missing {headerName} header";
        var at = ParseTimestamp(header, milliseconds);
        if (at is null)
            return $"{headerName} is not a timestamp";
        var age = now - at.Value;
        if (age > tolerance)
            return $"{headerName} is older than the tolerance of {tolerance.TotalSeconds:0} seconds";
        if (-age > tolerance)
            return $"{headerName} is further in the future than the tolerance of {tolerance.TotalSeconds:0} seconds";
        return null;
    }

    /// <summary>Unix seconds, Unix milliseconds (HubSpot, Front) or ISO 8601 (Zendesk).</summary>
    public static DateTimeOffset? ParseTimestamp(string value, bool milliseconds = false)
    {
        value = value.Trim();
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            // 10^11 seconds is the year 5138; anything larger is milliseconds.
            var millis = milliseconds || number > 100_000_000_000 ? number : number * 1000;
            return millis <= 253_402_300_799_999 ? DateTimeOffset.FromUnixTimeMilliseconds(millis) : null;
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;
    }

    private static byte[]? Decode(string value, DigestEncoding encoding)
    {
        try
        {
            return encoding == DigestEncoding.Hex ? Convert.FromHexString(value) : Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

public enum DigestEncoding
{
    Hex,
    Base64,
}
