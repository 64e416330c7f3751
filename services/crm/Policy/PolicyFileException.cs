namespace Agents.Crm.Policy;

/// <summary>A permissions file that does not say exactly one thing: the service does not start, and says where.</summary>
public sealed class PolicyFileException(int line, string problem, Exception? inner = null)
    : FormatException($"line {line}: {problem}", inner)
{
    public int Line { get; } = line;
}
