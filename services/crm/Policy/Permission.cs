namespace Agents.Crm.Policy;

/// <summary>One entry of the permissions file.</summary>
public sealed record Permission
{
    public bool Allowed { get; init; }

    /// <summary>
    /// The older spelling of the mode: false is <see cref="WriteMode.Auto"/>, true <see cref="WriteMode.Approve"/>.
    /// Absent means true: only an explicit <c>false</c> lets writes through without a person.
    /// </summary>
    public bool RequiresApproval { get; init; } = true;

    /// <summary>Whether the file gave <c>requires_approval</c> (else it is the default above).</summary>
    public bool RequiresApprovalGiven { get; init; }

    /// <summary>The <c>mode</c> the file gave, if any; see <see cref="WriteMode"/>.</summary>
    public WriteMode? ModeGiven { get; init; }

    /// <summary>
    /// The write kind's mode: as given, else from <c>requires_approval</c>; a kind written down with neither starts in
    /// <see cref="WriteMode.Shadow"/>, so a new write kind earns its trust on live traffic before it may write.
    /// </summary>
    public WriteMode Mode => ModeGiven ?? (RequiresApprovalGiven ? RequiresApproval ? WriteMode.Approve : WriteMode.Auto : WriteMode.Shadow);

    public double? AutoApproveMinConfidence { get; init; }

    /// <summary>The line of the file that names it (for messages about it).</summary>
    public int Line { get; init; }
}
