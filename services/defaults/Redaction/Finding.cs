namespace Agents.ServiceDefaults.Redaction;

/// <summary>A stretch of the text a detector wants replaced, and the kind of value it holds.</summary>
public readonly record struct Finding(int Start, int Length, string Kind)
{
    public int End => Start + Length;
}

/// <summary>One detector: adds what it finds in <paramref name="text"/> to <paramref name="found"/>.</summary>
public delegate void SecretDetector(string text, List<Finding> found);
