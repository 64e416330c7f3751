namespace Agents.Writer.Crm;

/// <summary>A write applied by the journal adapter: what would have gone to the CRM.</summary>
public class JournalEntry
{
    public long Id { get; set; }
    public Guid CorrelationId { get; set; }
    public string IdempotencyKey { get; set; } = "";

    /// <summary>The write's generation: the journal's key is the idempotency key and the generation.</summary>
    public int Generation { get; set; } = 1;
    public string Source { get; set; } = "";
    public string ExternalId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Changes { get; set; } = "{}";
    public DateTimeOffset AppliedAt { get; set; }
}
