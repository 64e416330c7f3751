using System.Diagnostics;
using System.Runtime;

namespace Agents.Bench;

/// <summary>
/// Runs a workload until the JIT has settled: tiered compilation re-compiles hot methods (tier 0, instrumented, tier 1)
/// for a long while after start-up, and on 2 cores that compiling competes with the work being measured. The
/// workload counts as warm when a round compiles fewer than <see cref="SettledMethods"/> methods (the JIT counter is
/// process-wide, so this holds for services hosted in the bench process), or after <see cref="MaxTime"/>.
/// </summary>
public static class WarmUp
{
    public const int SettledMethods = 50;
    public static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(90);

    public static async Task<(int Rounds, TimeSpan Elapsed)> UntilJitSettledAsync(Func<Task> round, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var rounds = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var before = JitInfo.GetCompiledMethodCount();
            await round();
            rounds++;
            if (JitInfo.GetCompiledMethodCount() - before < SettledMethods || clock.Elapsed > MaxTime)
                break;
        }
        return (rounds, clock.Elapsed);
    }
}
