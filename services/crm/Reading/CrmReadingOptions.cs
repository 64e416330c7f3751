namespace Agents.Crm.Reading;

/// <summary><c>Crm:Reading</c>: how much is read, how long it is kept, and how fast each CRM may be asked.</summary>
public sealed class CrmReadingOptions
{
    public const string Section = "Crm:Reading";

    /// <summary>How long an answer is reused: a burst of events on one ticket reads it once.</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The newest comments read with a ticket.</summary>
    public int LatestComments { get; set; } = 5;

    /// <summary>The requester's other tickets read, most recent first.</summary>
    public int RecentTickets { get; set; } = 10;

    /// <summary>Reads per window for each CRM (<c>Crm:Reading:Limits:hubspot:Permits</c>, <c>…:Window</c>); the vendor's published limit when absent.</summary>
    public Dictionary<string, ReadLimit> Limits { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public ReadLimit LimitFor(string crm) => Limits.TryGetValue(crm, out var limit) ? limit : ReadLimit.Published(crm);
}

/// <summary>At most <see cref="Permits"/> reads per <see cref="Window"/>, sliding.</summary>
public sealed class ReadLimit
{
    public int Permits { get; set; }
    public TimeSpan Window { get; set; }

    /// <summary>
    /// What each vendor publishes for its smallest paid plan (a limit per account, shared with the writer and every
    /// other integration, so set a lower one when others use the account): Zendesk Suite Team 200 requests a minute,
    /// HubSpot private apps 100 per 10 seconds, Freshdesk Growth 200 a minute, GitHub 5,000 an hour per token.
    /// </summary>
    public static ReadLimit Published(string crm) => crm.ToLowerInvariant() switch
    {
        "zendesk" => new() { Permits = 200, Window = TimeSpan.FromMinutes(1) },
        "hubspot" => new() { Permits = 100, Window = TimeSpan.FromSeconds(10) },
        "freshdesk" => new() { Permits = 200, Window = TimeSpan.FromMinutes(1) },
        "github" => new() { Permits = 5000, Window = TimeSpan.FromHours(1) },
        _ => new() { Permits = 60, Window = TimeSpan.FromMinutes(1) },
    };
}
