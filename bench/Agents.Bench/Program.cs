using System.Reflection;
using Agents.Bench;
using Agents.Harness;

// bench [--quick] [NAME …]: runs the named benchmarks (all when none is named); bench list: what exists.
var benchmarks = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

if (args.Contains("list") || args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine("bench [--quick] [NAME …]: runs the named benchmarks (all when none is named); servers from AGENTS_TEST_*.");
    foreach (var b in benchmarks)
        Console.WriteLine($"{b.Name,-20} {b.Description}");
    return 0;
}

var quick = args.Contains("--quick");
var names = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
var selected = benchmarks.Where(b => names.Count == 0 || names.Contains(b.Name)).ToList();
if (selected.Count == 0)
{
    Console.Error.WriteLine($"No benchmark named {string.Join(", ", names)}. Try: bench list");
    return 2;
}

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
var context = new BenchContext(quick);
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
foreach (var benchmark in selected)
{
    var busy = await MachineCpu.WaitForQuietAsync(0.15, TimeSpan.FromSeconds(60), cts.Token);
    if (busy >= 0.15)
        Console.WriteLine($"(the machine did not get quiet before {benchmark.Name}: CPUs {busy:0%} busy)");
    try
    {
        await benchmark.RunAsync(context, cts.Token);
    }
    catch (MissingPrerequisiteException missing)
    {
        // No servers (or no ../shared/data file): say which, without a stack trace.
        Console.Error.WriteLine($"{benchmark.Name}: {missing.Message}");
        return 1;
    }
}
return 0;
