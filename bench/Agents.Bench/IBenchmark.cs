namespace Agents.Bench;

/// <summary>
/// One figure set: runs our code and its raw baseline in the same run, on the same servers, and prints both.
/// Benchmarks are found by reflection: add a class, it appears in <c>bench list</c>.
/// </summary>
public interface IBenchmark
{
    /// <summary>The name on the command line: <c>bench NAME</c>.</summary>
    string Name { get; }

    string Description { get; }

    Task RunAsync(BenchContext context, CancellationToken cancellationToken);
}
