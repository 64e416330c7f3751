using System.Security.Cryptography;
using System.Text;

namespace Agents.Contracts;

/// <summary>
/// The idempotency key of a CRM write and the saga id derived from it. Every service derives them here, so the
/// same (source, ticket, kind) always meets the same saga, whichever instance sees it first.
/// </summary>
public static class WriteKey
{
    // Fixed namespace for our UUIDv5s; changing it would orphan every existing saga row.
    private static readonly Guid Namespace = new("6f1c4f0e-9b7e-4c55-9a53-1d2f3b8e7a10");

    public static string For(string source, string externalId, string kind) =>
        $"{source.Trim().ToLowerInvariant()}:{externalId.Trim()}:{kind.Trim().ToLowerInvariant()}";

    public static Guid CorrelationIdFor(string idempotencyKey) => NameBased(Namespace, idempotencyKey);

    /// <summary>RFC 9562 version 5 (SHA-1, name-based) UUID.</summary>
    public static Guid NameBased(Guid ns, string name)
    {
        Span<byte> nsBytes = stackalloc byte[16];
        ns.TryWriteBytes(nsBytes, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var buffer = new byte[16 + nameBytes.Length];
        nsBytes.CopyTo(buffer);
        nameBytes.CopyTo(buffer, 16);

        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(buffer, hash);
        var uuid = hash[..16];
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x50);
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80);
        return new Guid(uuid, bigEndian: true);
    }
}
