using System.Security.Cryptography;
using System.Text;
using Agents.Contracts;

namespace Agents.Classifier.History;

/// <summary>
/// A requester as the history table knows them: SHA-256 of the trimmed, lower-cased address. The table can answer
/// "this address's earlier tickets" for a service that holds the address, and names nobody to whoever reads it.
/// </summary>
public static class RequesterKey
{
    public static string? For(Requester? requester) =>
        requester?.Email?.Trim() is { Length: > 0 } email
            ? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.ToLowerInvariant())))
            : null;
}
