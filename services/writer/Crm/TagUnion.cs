namespace Agents.Writer.Crm;

/// <summary>
/// Adds tags to a multi-value field a vendor can only replace as a whole (Freshdesk's tags, a HubSpot property),
/// which neither vendor lets us write conditionally (no ETag, no If-Match, no version to compare): read, write the
/// union, read again. A client that replaced the field between our read and our write, or right after it, has dropped
/// our tags: the second read shows it and we merge again with what is there now, so neither side's tags are lost
/// when the other side merges too. Tags already there are not written again: a replay of the write costs one read.
/// </summary>
public static class TagUnion
{
    public const int Attempts = 3;

    public static async Task AddAsync(string vendor, IReadOnlyCollection<string> ours,
        Func<CancellationToken, Task<IReadOnlyList<string>>> read,
        Func<IReadOnlyList<string>, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        var current = await read(cancellationToken);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (ours.All(current.Contains))
                return;
            await write(current.Union(ours, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), cancellationToken);
            current = await read(cancellationToken);
        }
        if (!ours.All(current.Contains))
            throw new CrmWriteException($"{vendor}: another client replaced the tags {Attempts} times while ours were added", retryable: true);
    }
}
