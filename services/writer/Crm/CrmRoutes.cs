using Microsoft.Extensions.Options;

namespace Agents.Writer.Crm;

/// <summary>
/// The routing table from ticket source to CRM adapter, checked once at start: a route to an unknown adapter, to an
/// adapter of another vendor (a Freshdesk ticket id names some other ticket in Zendesk) or to an adapter without its
/// credentials stops the writer, as does the old <c>Writer:CrmAdapter</c> (one adapter for every source was how
/// Freshdesk's ticket 42 got written to Zendesk's ticket 42).
/// </summary>
public sealed class CrmRoutes
{
    public const string None = "none";
    private const string LegacySetting = "Writer:CrmAdapter";

    private readonly Dictionary<string, ICrmAdapter?> _routes = new(StringComparer.Ordinal);
    private readonly ICrmAdapter? _default;

    public CrmRoutes(IOptions<WriterOptions> options, IEnumerable<ICrmAdapter> adapters, IConfiguration configuration)
    {
        if (configuration[LegacySetting] is { Length: > 0 } legacy)
            throw new InvalidOperationException(
                $"{LegacySetting} ({legacy}) is no longer read: it sent every source's writes to one CRM. Route each source instead, " +
                $"e.g. Writer__Crm__Routes__{legacy}={legacy}; sources not listed go to Writer:Crm:DefaultRoute (journal).");
        var byName = adapters.ToDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);
        var crm = options.Value.Crm;
        _default = Resolve(byName, "Writer:Crm:DefaultRoute", crm.DefaultRoute, source: null);
        foreach (var (source, name) in crm.Routes)
            _routes[Normalize(source)] = Resolve(byName, $"Writer:Crm:Routes:{source}", name, Normalize(source));
    }

    /// <summary>The adapter a write of <paramref name="kind"/> for this ticket goes to, or why there is none.</summary>
    public CrmRoute For(string source, string kind, string externalId)
    {
        var key = Normalize(source);
        var (adapter, setting) = _routes.TryGetValue(key, out var routed)
            ? (routed, $"Writer:Crm:Routes:{key}")
            : (_default, "Writer:Crm:DefaultRoute");
        if (adapter is null)
            return new CrmRoute(null, $"no writable route for source {key}: {setting} is {None}");
        return adapter.CannotApply(kind, externalId) is { } why
            ? new CrmRoute(null, $"no writable route for this {kind} write of {key} through {adapter.Name}: {why}")
            : new CrmRoute(adapter, null);
    }

    /// <summary>The table as a line for the start-up log.</summary>
    public string Describe() =>
        string.Join(", ", _routes.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}→{r.Value?.Name ?? None}")
            .Append($"others→{_default?.Name ?? None}"));

    private static ICrmAdapter? Resolve(Dictionary<string, ICrmAdapter> adapters, string setting, string name, string? source)
    {
        var wanted = name.Trim();
        if (wanted.Equals(None, StringComparison.OrdinalIgnoreCase))
            return null;
        if (!adapters.TryGetValue(wanted, out var adapter))
            throw new InvalidOperationException($"{setting} is '{name}', which is not one of {string.Join(", ", adapters.Keys.Order())}, {None}.");
        if (adapter.Sources is { } sources && (source is null || !sources.Contains(source)))
            throw new InvalidOperationException(source is null
                ? $"{setting} is {adapter.Name}, which writes to {string.Join("/", sources)} tickets only: the default route must be journal or {None}."
                : $"{setting} is {adapter.Name}, which writes to {string.Join("/", sources)} tickets only: a {source} ticket id would name another record there.");
        if (adapter.MissingSettings is { } missing)
            throw new InvalidOperationException($"{setting} is {adapter.Name}, but {missing}.");
        return adapter;
    }

    private static string Normalize(string source) => source.Trim().ToLowerInvariant();
}
