namespace Agents.Writer.Crm;

/// <summary>
/// <c>Writer:Crm</c>: which CRM each ticket source's writes go to. <c>Routes:{source}</c> names an adapter (journal,
/// zendesk, hubspot, freshdesk, github) or <c>none</c>; a source not listed takes <see cref="DefaultRoute"/>.
/// </summary>
public sealed class CrmRoutingOptions
{
    public Dictionary<string, string> Routes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>journal (a table: the writes are recorded, no CRM is touched) or none.</summary>
    public string DefaultRoute { get; set; } = "journal";
}
