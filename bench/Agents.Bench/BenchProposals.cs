using Agents.Contracts;
using MassTransit;

namespace Agents.Bench;

/// <summary>The proposals the saga benchmark and its ceiling row send, and how they send them.</summary>
internal static class BenchProposals
{
    /// <summary>A set-priority proposal for one bench ticket, keyed as every service keys it.</summary>
    public static ProposeWrite SetPriority(string externalId)
    {
        var key = WriteKey.For("bench", externalId, WriteKinds.SetPriority);
        return new ProposeWrite
        {
            CorrelationId = WriteKey.CorrelationIdFor(key), IdempotencyKey = key, Source = "bench", ExternalId = externalId,
            Kind = WriteKinds.SetPriority, Changes = new Dictionary<string, string> { ["priority"] = "high" }, RecordCount = 1,
        };
    }

    /// <summary>Publishes all of them at once, 32 at a time, each stamped with the moment it was sent.</summary>
    public static Task PublishAsync(IBus bus, IEnumerable<ProposeWrite> proposals, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(proposals, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (p, ct) => await bus.Publish(p with { ProposedAt = DateTimeOffset.UtcNow }, ct));
}
