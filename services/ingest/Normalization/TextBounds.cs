namespace Agents.Ingest.Normalization;

/// <summary>
/// The bounds every rich-text conversion shares (HTML bodies, Atlassian documents), so a hostile body costs the
/// same whichever vendor format carries it.
/// </summary>
public static class TextBounds
{
    /// <summary>
    /// Deeper nesting than this keeps its text but loses its structure: HTML tree construction is quadratic in
    /// depth, and no real ticket nests anywhere near this far.
    /// </summary>
    public const int MaxNestingDepth = 256;

    /// <summary>Raw text converted per character a ticket body may have in the end: generous, because markup shrinks.</summary>
    public const int RawTextFactor = 4;

    /// <summary>The most raw markup (or document text) converted for a body of <paramref name="maxTextLength"/> characters.</summary>
    public static int RawTextLimit(int maxTextLength) => (int)Math.Min((long)maxTextLength * RawTextFactor, int.MaxValue);
}
