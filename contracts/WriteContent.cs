using System.Security.Cryptography;
using System.Text.Json;

namespace Agents.Contracts;

/// <summary>
/// The content hash of a proposed write: what makes two proposals "the same", and what a decision names so that it
/// applies exactly the version the approver saw. It covers what would reach the CRM (kind, changes, record count),
/// not the ticket text shown beside it. The canonical form is versioned JSON: when approvers may edit a write before
/// approving it, the edited fields join what is hashed under a new version tag, and existing hashes keep their meaning.
/// </summary>
public static class WriteContent
{
    private const string Version = "agents.write-content.v1";
    private const string EditedVersion = "agents.write-content.edited.v1";

    public static string Hash(string kind, IReadOnlyDictionary<string, string> changes, int recordCount)
    {
        var canonical = JsonSerializer.SerializeToUtf8Bytes(new object[]
        {
            Version, kind, recordCount,
            changes.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new[] { c.Key, c.Value }).ToArray(),
        });
        return Convert.ToHexString(SHA256.HashData(canonical));
    }

    public static string Hash(ProposeWrite proposal) => Hash(proposal.Kind, proposal.Changes, proposal.RecordCount);

    /// <summary>
    /// The hash of a version an approver edited: the version they were shown (<paramref name="seenHash"/>) and the
    /// changes as they left them. An approval carrying edits names this hash, so the text applied is exactly the text
    /// the approver approved, on exactly the version they edited.
    /// </summary>
    public static string Edited(string seenHash, IReadOnlyDictionary<string, string> editedChanges)
    {
        var canonical = JsonSerializer.SerializeToUtf8Bytes(new object[]
        {
            EditedVersion, seenHash,
            editedChanges.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new[] { c.Key, c.Value }).ToArray(),
        });
        return Convert.ToHexString(SHA256.HashData(canonical));
    }

    /// <summary>The first characters, enough to tell versions apart in an audit line or a log.</summary>
    public static string Short(string? hash) => hash is null ? "(none)" : hash[..Math.Min(12, hash.Length)];
}
