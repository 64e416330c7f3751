using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Agents.Ingest.Webhooks;

/// <summary>
/// Two separate budgets, so strangers can never spend what vendors need. Verified deliveries draw on a token bucket
/// per source (<c>Ingest__RateLimit__PermitsPerSecond</c>, <c>__Burst</c>), so one noisy vendor cannot starve the
/// others; requests that have not proven who they are draw on a bucket per client address
/// (<c>__UnverifiedPerSecond</c>, <c>__UnverifiedBurst</c>; IPv6 addresses by their /64, which one host can hop
/// within). A flood of unsigned requests to a source empties the flooder's bucket, never the source's.
/// </summary>
public sealed class WebhookBudgets : IDisposable
{
    private readonly PartitionedRateLimiter<string> _sources;
    private readonly PartitionedRateLimiter<string> _strangers;

    public WebhookBudgets(IOptions<IngestOptions> options)
    {
        var limits = options.Value.RateLimit;
        _sources = Buckets(limits.PermitsPerSecond, limits.Burst);
        _strangers = Buckets(limits.UnverifiedPerSecond, limits.UnverifiedBurst);
    }

    /// <summary>Takes one permit of a verified source's budget; when none is left, how long until one is.</summary>
    public bool TryVerified(string source, out TimeSpan retryAfter) => TryTake(_sources, source, out retryAfter);

    /// <summary>Takes one permit of the client address's budget for unverified requests.</summary>
    public bool TryStranger(HttpContext http, out TimeSpan retryAfter) => TryTake(_strangers, AddressKey(http.Connection.RemoteIpAddress), out retryAfter);

    /// <summary>An IPv4 address as it is; an IPv6 one by its /64 network (a host's usual allocation).</summary>
    public static string AddressKey(IPAddress? address)
    {
        if (address is null)
            return "unknown";
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static bool TryTake(PartitionedRateLimiter<string> limiter, string key, out TimeSpan retryAfter)
    {
        using var lease = limiter.AttemptAcquire(key);
        retryAfter = !lease.IsAcquired && lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        return lease.IsAcquired;
    }

    private static PartitionedRateLimiter<string> Buckets(int perSecond, int burst) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, burst > 0 ? burst : perSecond),
            TokensPerPeriod = Math.Max(1, perSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public void Dispose()
    {
        _sources.Dispose();
        _strangers.Dispose();
    }
}
