using Agents.Contracts;
using Microsoft.Extensions.Caching.Memory;

namespace Agents.Classifier.Drafting;

/// <summary>
/// The model's drafts for deliveries this instance is still handling. A ticket whose outcome cannot be published yet
/// (the broker or the database failing after the draft was written) is retried, up to eight times in memory and then
/// through the delay queues, and every attempt reaches the drafting stage again: the classification comes from its
/// cache, the draft came from the model each time (a publishing stall showed one draft request per attempt). Kept by
/// delivery and classification, so an attempt with the same ticket and verdict reuses the draft and a changed verdict
/// drafts anew. In this process only: a redelivery another instance takes drafts once more there, and a restart
/// forgets; the bound keeps a long outage from holding every draft of the day.
/// </summary>
public sealed class DraftMemory : IDisposable
{
    /// <summary>Longer than the in-memory retries and the first redeliveries (10 s, 1 min, 5 min, 10 min).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    /// <summary>Drafts are at most a few thousand characters: about 8 MB at most.</summary>
    public const int Capacity = 2_000;

    private readonly MemoryCache _drafts = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public Draft? Recall(TicketReceived ticket, Classification classification) =>
        _drafts.TryGetValue(Key(ticket, classification), out Draft? draft) ? draft : null;

    public void Keep(TicketReceived ticket, Classification classification, Draft draft) =>
        _drafts.Set(Key(ticket, classification), draft, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });

    public void Dispose() => _drafts.Dispose();

    // What the draft was written from: the delivery (its ticket text is fixed) and the verdict the prompt names.
    private static string Key(TicketReceived ticket, Classification c) =>
        string.Join('\u001f', ticket.Source, ticket.ExternalId, ticket.DeliveryId, c.Category, c.Priority, c.Sentiment, c.Language);
}
