namespace Agents.Crm.Reading;

public static class CrmReaderChoice
{
    /// <summary>
    /// The reader of <paramref name="source"/>'s CRM that has what it needs to work (credentials), or null: the one
    /// choice hydration and the drafting tools both make, so a ticket is read from the same CRM either way.
    /// </summary>
    public static ICrmReader? ConfiguredFor(this IEnumerable<ICrmReader> readers, string source) =>
        readers.FirstOrDefault(r => r.Sources.Contains(source) && r.MissingSettings is null);

    /// <summary>The ticket sources some configured reader serves.</summary>
    public static IReadOnlySet<string> ConfiguredSources(this IEnumerable<ICrmReader> readers) =>
        readers.Where(r => r.MissingSettings is null).SelectMany(r => r.Sources).ToHashSet(StringComparer.Ordinal);
}
