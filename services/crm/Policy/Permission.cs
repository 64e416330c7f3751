namespace Agents.Crm.Policy;

/// <summary>One entry of the permissions file.</summary>
public sealed record Permission
{
    public bool Allowed { get; init; }

    /// <summary>Absent means true: only an explicit <c>false</c> lets writes through without a person.</summary>
    public bool RequiresApproval { get; init; } = true;

    public double? AutoApproveMinConfidence { get; init; }

    /// <summary>The line of the file that names it (for messages about it).</summary>
    public int Line { get; init; }
}
