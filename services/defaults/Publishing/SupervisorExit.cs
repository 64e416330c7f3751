namespace Agents.ServiceDefaults.Publishing;

/// <summary>
/// Whether a guard (<see cref="StopForSupervisor"/>) stopped this instance, and why: what Program.cs returns
/// (<see cref="ServiceExit"/>), so the supervisor's log tells an instance that stopped itself to be started again from
/// one that crashed or was stopped.
/// </summary>
public sealed class SupervisorExit
{
    /// <summary>The process's exit code after a guard stopped it: EX_TEMPFAIL, "try again", for a supervisor's log.</summary>
    public const int TryAgain = 75;

    /// <summary>The first guard's reason ("publishing to the broker has stalled (…)"), or null while none stopped it.</summary>
    public string? Reason { get; private set; }

    /// <summary><see cref="TryAgain"/> once a guard stopped the instance, else 0.</summary>
    public int ExitCode => Reason is null ? 0 : TryAgain;

    internal void Stopped(string reason) => Reason ??= reason;
}
