using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Agents.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Agents.Classifier.Persistence;

/// <summary>
/// The content-hash cache in PostgreSQL. Check, call and store run in one transaction holding
/// <c>pg_advisory_xact_lock</c> on the hash: a duplicate delivered to another consumer or another instance waits
/// for the first to commit, then finds its row. The lock goes with the transaction, so a crash cannot leave it held.
/// </summary>
public sealed class PostgresClassificationCache(IDbContextFactory<ClassifierDbContext> dbFactory) : IClassificationCache
{
    public async Task<(Classification Classification, bool Hit)> GetOrClassifyAsync(string contentHash,
        Func<CancellationToken, Task<CacheableClassification>> classify, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey(contentHash)})", cancellationToken);

        var cached = await db.Cache.AsNoTracking().SingleOrDefaultAsync(c => c.ContentHash == contentHash, cancellationToken);
        if (cached is not null)
        {
            await tx.CommitAsync(cancellationToken);
            return (JsonSerializer.Deserialize<Classification>(cached.Classification, JsonSerializerOptions.Web)!, true);
        }

        var result = await classify(cancellationToken);
        if (result.Cacheable)
        {
            db.Cache.Add(new CachedClassification
            {
                ContentHash = contentHash,
                Classification = JsonSerializer.Serialize(result.Classification, JsonSerializerOptions.Web),
                Model = result.Model ?? "",
                CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        return (result.Classification, false);
    }

    private static long LockKey(string contentHash) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("classifier-cache:" + contentHash)));
}
