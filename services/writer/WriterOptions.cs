namespace Agents.Writer;

/// <summary>The <c>Writer</c> configuration section.</summary>
public sealed class WriterOptions
{
    public const string Section = "Writer";

    /// <summary>How long a proposal waits for a decision before it expires.</summary>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromHours(72);

    /// <summary>How often the sweepers look for pending writes past their time and for writes stuck Applying.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a sweep waits for the broker to confirm one of its messages before it gives up (the write stays due for
    /// the next sweep): a sweep holds a transaction and its advisory lock while it publishes, and a broker that blocks
    /// publishers (a memory or disk alarm) never confirms. Above the channel's own 20 s timeout.
    /// </summary>
    public TimeSpan SweepPublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the approval API waits for the broker to confirm a person's decision before it answers 503
    /// (<see cref="Approvals.DecisionPublishing"/>). RabbitMQ.Client may wait out the channel's own timeout
    /// (<c>RabbitMq:ContinuationTimeout</c>, 20 s) after this one before it lets go.
    /// </summary>
    public TimeSpan DecisionPublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The permissions file (YAML, or JSON); relative paths are read from the writer's folder.</summary>
    public string PolicyFile { get; set; } = "policy.yaml";

    /// <summary>Which CRM each ticket source's writes go to (<c>Writer:Crm:Routes:{source}</c>).</summary>
    public Crm.CrmRoutingOptions Crm { get; set; } = new();

    /// <summary>Attempts after the first before a CRM write is given up as Failed.</summary>
    public int CrmRetryLimit { get; set; } = 4;

    /// <summary>First wait between CRM attempts; doubles each time (a 429's Retry-After wins when it says more).</summary>
    public TimeSpan CrmRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest single wait, whatever Retry-After asks: the message stays unacked while we wait.</summary>
    public TimeSpan CrmMaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A write Applying this long since its ApplyWrite was sent is re-driven (sent again). Longer than one ApplyWrite's
    /// own retries can take (about 5 minutes with the defaults), and than the apply queue's backlog usually is.
    /// </summary>
    public TimeSpan ApplyStuckAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A write a sweeper published a message for (a re-drive, an expiry) and still due as it was is published again
    /// only this long after: the saga handles the copy it has once it gets to it, and a copy per sweep while it is
    /// behind would only lengthen its queue. A safety net for a copy that went missing, not a retry.
    /// </summary>
    public TimeSpan RepublishAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A write still not applied this long after its decision fails instead of being re-driven again: applying a
    /// day-old decision could overwrite what people changed in the CRM since.
    /// </summary>
    public TimeSpan ApplyGiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    public BulkGuardOptions BulkGuard { get; set; } = new();

    /// <summary>Shadow mode: when a shadowed proposal's outcome is settled (<c>Writer:Shadow</c>).</summary>
    public Shadow.ShadowOptions Shadow { get; set; } = new();

    /// <summary>The escalation inbox: links to tickets in their CRM (<c>Writer:Escalations</c>).</summary>
    public Escalations.EscalationOptions Escalations { get; set; } = new();
}

/// <summary>The <c>Writer:BulkGuard</c> section: when proposals are held for review as a batch. On by default.</summary>
public sealed class BulkGuardOptions
{
    /// <summary>
    /// New proposals of one kind from one source per minute, across all writer instances, above which they are held;
    /// 0 = off. A busy helpdesk's classifier proposes well under this; an agent gone wrong proposes far more.
    /// </summary>
    public int MaxProposalsPerMinute { get; set; } = 100;

    /// <summary>A proposal touching more records than this is held; 0 = off.</summary>
    public int MaxRecordsPerProposal { get; set; } = 50;
}
