namespace Agents.Crm.Policy;

/// <summary>
/// The permissions file (<c>policy.yaml</c>, or the older <c>policy.json</c>) as both services read it: the reads the
/// read-only agent may make (the classifier, reading tickets before it classifies them) and the writes the write agent
/// may propose (the writer, holding each for approval). Read once at start; anything not written down is refused.
/// </summary>
public sealed class AgentPolicy
{
    internal AgentPolicy(IReadOnlyDictionary<string, Permission> reads, IReadOnlyDictionary<string, Permission> writes, string source)
    {
        Reads = reads;
        Writes = writes;
        Source = source;
    }

    /// <summary>Where the policy was read from (for the start-up log).</summary>
    public string Source { get; }

    /// <summary><c>read:tickets</c>, <c>read:customers</c>: what the read-only agent may read.</summary>
    public IReadOnlyDictionary<string, Permission> Reads { get; }

    /// <summary><c>write:{kind}</c>: what the write agent may propose, and whether a person must approve it.</summary>
    public IReadOnlyDictionary<string, Permission> Writes { get; }

    public bool MayRead(string permission) => Reads.TryGetValue(permission, out var p) && p.Allowed;

    /// <summary>Reads the file; a missing or invalid one stops the service, naming the file and the line.</summary>
    public static AgentPolicy Load(string path)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"The policy file {path} does not exist.");
        try
        {
            return Parse(File.ReadAllText(path), path);
        }
        catch (PolicyFileException e)
        {
            throw new InvalidOperationException($"The policy file {path} is not valid: {e.Message}", e);
        }
    }

    /// <summary>YAML, or JSON (which YAML reads too: the older <c>policy.json</c> files keep working).</summary>
    public static AgentPolicy Parse(string text, string source = "inline") => PolicyYaml.Read(text, source);
}
