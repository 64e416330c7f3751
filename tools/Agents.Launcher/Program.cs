using Agents.Launcher;

// dotnet run --project tools/Agents.Launcher -- --ingest 2 --classifier 3 --writer 3
//   [--rabbitmq-host 127.0.0.1] [--rabbitmq-port 5672] [--vhost /] [--postgres "Host=…;Database=agents;…"]
//   [--logs DIR] [--set Section__Key=value …]   (--help lists them)
// Starts N instances per service as separate processes, prints their URLs and log files, starts again any that exits
// on its own, and stops them all on Ctrl+C or SIGTERM.
var command = LauncherCommand.Create(RunAsync);
var parsed = command.Parse(args);
// Ctrl+C and SIGTERM are ours (below): the instances need their 15 s to stop, not System.CommandLine's 2 s.
var code = await parsed.InvokeAsync(new System.CommandLine.InvocationConfiguration { ProcessTerminationTimeout = null });
return parsed.Errors.Count > 0 ? 2 : code; // a usage error is 2, as it always was

static async Task<int> RunAsync(SystemLaunchOptions options, CancellationToken _)
{
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
        System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });

    Console.WriteLine($"Starting {options.Ingest} ingest, {options.Classifier} classifier, {options.Writer} writer (logs in {options.LogDirectory}) ...");
    SystemLauncher system;
    try
    {
        system = await SystemLauncher.StartAsync(options, stop.Token);
    }
    catch (Exception e) when (e is OperationCanceledException or TimeoutException or InvalidOperationException or FileNotFoundException)
    {
        Console.Error.WriteLine(e.Message);
        return 1;
    }

    await using (system)
    {
        foreach (var instance in system.Instances.OrderBy(i => i.Name, StringComparer.Ordinal))
            Console.WriteLine($"  {instance.Name,-14} {instance.BaseUrl,-28} pid {instance.ProcessId,-8} {instance.LogPath}");
        Console.WriteLine("Running. Ctrl+C stops all instances.");
        try
        {
            // A supervisor's job: an instance that exits on its own is started again.
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), stop.Token);
                foreach (var exited in await system.ReplaceExitedAsync(stop.Token))
                    Console.WriteLine($"  {exited.Name} exited with code {exited.ExitCode}; started another (see {exited.LogPath})");
            }
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            if (!stop.IsCancellationRequested)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        }
        Console.WriteLine("Stopping ...");
    }
    Console.WriteLine("Stopped.");
    return 0;
}
