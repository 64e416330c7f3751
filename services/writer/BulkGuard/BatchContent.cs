using System.Security.Cryptography;
using System.Text;
using Agents.Writer.Persistence;
using Agents.Writer.Sagas;
using Microsoft.EntityFrameworkCore;

namespace Agents.Writer.BulkGuard;

/// <summary>
/// A batch as an approver sees it: its held writes and the content hash of each. A release names this hash, so a
/// batch that gained a write, or whose write changed, after the approver looked at it is not released unseen.
/// </summary>
public static class BatchContent
{
    public sealed record Member(Guid CorrelationId, string ContentHash);

    /// <summary>The writes held in <paramref name="batchId"/> now.</summary>
    public static Task<List<Member>> MembersAsync(WriterDbContext db, Guid batchId, CancellationToken cancellationToken) =>
        db.Writes.AsNoTracking()
            .Where(w => w.BatchId == batchId && w.CurrentState == WriteStates.HeldForBulkReview)
            .OrderBy(w => w.CorrelationId)
            .Select(w => new Member(w.CorrelationId, w.ContentHash))
            .ToListAsync(cancellationToken);

    public static string Hash(IEnumerable<Member> members)
    {
        var canonical = new StringBuilder();
        foreach (var m in members.OrderBy(m => m.CorrelationId))
            canonical.Append(m.CorrelationId.ToString("N")).Append(':').Append(m.ContentHash).Append('\n');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }
}
