using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Agents.Harness;
using Agents.Testing;
using NUnit.Framework;

namespace Agents.EndToEnd.Tests;

/// <summary>
/// A newcomer's first hour with <c>scripts/run</c> on a machine without RabbitMQ and PostgreSQL: run, stop, run, stop.
/// <para>
/// CI cannot uninstall the servers (other runs on the machine use them), so the test makes a checkout of its own whose
/// PATH and PGBIN do not reach them, and whose <c>apt-get</c> "installs" them by exposing this machine's real ones.
/// Before that install their users do not exist on a fresh machine, which is what sent the very first run's data to
/// /tmp: here <c>su rabbitmq</c>/<c>su postgres</c> fail until the fake install, as they would. Everything else is
/// real and as shipped: scripts/run and scripts/servers.sh copied unchanged, the real servers started and stopped
/// on ports of the test's own (never 5672/5432/5001-5003, which another run may hold), the built services. Only the
/// build is skipped (AGENTS_RUN_NO_BUILD=1): scripts/test has just built them.
/// </para>
/// </summary>
[TestFixture]
[System.Runtime.Versioning.SupportedOSPlatform("linux")] // scripts/run is a bash script for Debian
public class RunScriptTests
{
    private const string RealPgBin = "/usr/lib/postgresql/15/bin";

    private string _sandbox = null!;
    private string _checkout = null!;
    private Dictionary<string, string> _environment = null!;
    private Ports _ports = null!;
    private int _runs;

    private sealed record Ports(int Amqp, int Postgres, int Ingest, int Classifier, int Writer)
    {
        public IEnumerable<(string Name, int Port)> All =>
        [
            ("RabbitMQ", Amqp), ("RabbitMQ management", Amqp + 10000), ("PostgreSQL", Postgres),
            ("ingest", Ingest), ("classifier", Classifier), ("writer", Writer),
        ];
    }

    [SetUp]
    public void MakeCheckoutWithoutServers()
    {
        var rabbit = FindOnPath("rabbitmq-server");
        if (rabbit is null || !File.Exists(Path.Combine(RealPgBin, "initdb")))
        {
            const string why = "RabbitMQ and PostgreSQL 15 must be installed on this machine for the fake install to expose them (scripts/test installs them).";
            if (TestServers.RunningUnderCi)
                Assert.Fail(why);
            Assert.Ignore(why);
        }
        foreach (var service in new[] { "ingest", "classifier", "writer" })
        {
            var dll = Path.Combine(RepositoryPaths.Root, "services", service, "bin", "Debug", "net10.0", $"Agents.{char.ToUpperInvariant(service[0])}{service[1..]}.dll");
            Assert.That(File.Exists(dll), Is.True, $"{dll} is missing: build the solution (Debug) first, as scripts/test does.");
        }

        _sandbox = Directory.CreateTempSubdirectory("agents-run-").FullName;
        _checkout = Path.Combine(_sandbox, "agents");
        var fake = Path.Combine(_sandbox, "fake");
        foreach (var dir in new[] { _checkout, Path.Combine(_checkout, "scripts"), Path.Combine(fake, "bin"), Path.Combine(fake, "sbin") })
            Directory.CreateDirectory(dir);
        // The servers' users must reach the checkout, as they reach a checkout under /home or /work.
        foreach (var dir in new[] { _sandbox, _checkout })
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);

        foreach (var script in new[] { "run", "servers.sh" })
            File.Copy(Path.Combine(RepositoryPaths.Root, "scripts", script), Path.Combine(_checkout, "scripts", script));
        File.CreateSymbolicLink(Path.Combine(_checkout, "samples"), Path.Combine(RepositoryPaths.Root, "samples"));
        foreach (var service in new[] { "ingest", "classifier", "writer" })
        {
            Directory.CreateDirectory(Path.Combine(_checkout, "services", service));
            File.CreateSymbolicLink(Path.Combine(_checkout, "services", service, "bin"), Path.Combine(RepositoryPaths.Root, "services", service, "bin"));
        }

        WriteScript(Path.Combine(fake, "bin", "apt-get"), $$"""
            #!/bin/sh
            # apt-get as far as scripts/run needs it: "installing" rabbitmq-server and postgresql-15 exposes this machine's.
            echo "apt-get $*" >> '{{fake}}/apt.log'
            case " $* " in *" install "*) ;; *) exit 0 ;; esac
            for p in "$@"; do
              case $p in
                rabbitmq-server) for f in '{{Path.GetDirectoryName(rabbit)}}'/rabbitmq*; do ln -sf "$f" '{{fake}}/sbin/'; done ;;
                postgresql-15) ln -sfn '{{RealPgBin}}' '{{fake}}/pgbin' ;;
              esac
            done
            touch '{{fake}}/installed'
            """);
        WriteScript(Path.Combine(fake, "bin", "su"), $$"""
            #!/bin/sh
            # Before the packages are installed, their users do not exist.
            if [ ! -e '{{fake}}/installed' ]; then
              for a in "$@"; do case $a in rabbitmq|postgres) echo "su: user $a does not exist" >&2; exit 1 ;; esac; done
            fi
            exec '{{FindOnPath("su") ?? "/usr/bin/su"}}' "$@"
            """);
        WriteScript(Path.Combine(fake, "bin", "sudo"), """
            #!/bin/sh
            exec "$@"
            """);

        // The machine's PATH without the folders that hold the servers' programs (/usr/sbin, /sbin).
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':')
            .Where(dir => dir.Length > 0 && !File.Exists(Path.Combine(dir, "rabbitmq-server")));
        _ports = FreePorts();
        _environment = new Dictionary<string, string>
        {
            ["PATH"] = string.Join(':', new[] { Path.Combine(fake, "bin"), Path.Combine(fake, "sbin") }.Concat(path)),
            ["PGBIN"] = Path.Combine(fake, "pgbin"),
            ["AGENTS_RABBITMQ_PORT"] = _ports.Amqp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AGENTS_PG_PORT"] = _ports.Postgres.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AGENTS_INGEST_PORT"] = _ports.Ingest.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AGENTS_CLASSIFIER_PORT"] = _ports.Classifier.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AGENTS_WRITER_PORT"] = _ports.Writer.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AGENTS_RUN_NO_BUILD"] = "1",
        };
    }

    [TearDown]
    public async Task RemoveWhateverIsLeft()
    {
        if (_checkout is null)
            return;
        // After a failure the servers may still run from any folder scripts/run ever used for this checkout.
        var legacy = "/tmp/agents-data-" + Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(_checkout + "\n")))[..8];
        foreach (var data in new[] { Path.Combine(_checkout, ".data"), legacy })
        {
            var pidFiles = new[] { Path.Combine(data, "rabbitmq", "pid"), Path.Combine(data, "pg", "data", "postmaster.pid") }
                .Concat(Directory.Exists(Path.Combine(data, "pids")) ? Directory.GetFiles(Path.Combine(data, "pids")) : []);
            foreach (var pidFile in pidFiles.Where(File.Exists))
            {
                if (int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid))
                {
                    try
                    {
                        Process.GetProcessById(pid).Kill(entireProcessTree: true);
                    }
                    catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                    {
                        // gone already
                    }
                }
            }
            await Task.Delay(500);
            if (Directory.Exists(data))
                Directory.Delete(data, recursive: true);
        }
        Directory.Delete(_sandbox, recursive: true);
    }

    [Test]
    public async Task Stop_after_the_very_first_run_stops_everything_it_started_and_run_stop_run_stop_works()
    {
        var first = await ScriptAsync("start");
        Assert.That(first.Output, Does.Contain("installing: rabbitmq-server postgresql-15"), "the first run installs the servers");
        Assert.That(first.Output, Does.Contain("Agents is running"), first.Output);
        AssertListening();
        await TheDemoTokensWorkAsShownAsync();

        var stop = await ScriptAsync("stop");
        await AssertAllStoppedAsync(stop.Output);

        var second = await ScriptAsync("start");
        Assert.That(second.Output, Does.Not.Contain("installing:").And.Contain("Agents is running"), second.Output);
        Assert.That(DataFolder(second.Output), Is.EqualTo(DataFolder(first.Output)), "the data folder decided by the first run is kept");
        AssertListening();

        var secondStop = await ScriptAsync("stop");
        await AssertAllStoppedAsync(secondStop.Output);
    }

    /// <summary>The quarantine and step-log calls scripts/run prints, with the demo operator token it prints.</summary>
    private async Task TheDemoTokensWorkAsShownAsync()
    {
        using var http = new HttpClient { DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", "demo-operator-token") } };
        using var quarantine = await http.GetAsync($"http://127.0.0.1:{_ports.Ingest}/quarantine");
        Assert.That((int)quarantine.StatusCode, Is.EqualTo(200));
        await Eventually.Until(async () => (int)(await http.GetAsync($"http://127.0.0.1:{_ports.Classifier}/tickets/generic/DEMO-1001/steps")).StatusCode,
            status => status == 200, TimeSpan.FromSeconds(30), "the step log of the first sample ticket");
    }

    private async Task<(int Code, string Output)> ScriptAsync(string verb)
    {
        var log = Path.Combine(_sandbox, $"run-{++_runs}-{verb}.log");
        // Output to a file, not a pipe: the servers and services outlive the script and would hold a pipe open.
        var info = new ProcessStartInfo("bash") { WorkingDirectory = _checkout, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"exec scripts/run {verb} >'{log}' 2>&1 </dev/null");
        foreach (var (key, value) in _environment)
            info.Environment[key] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"scripts/run {verb} did not end within 5 minutes:\n{await File.ReadAllTextAsync(log)}");
        }
        var output = await File.ReadAllTextAsync(log);
        await TestContext.Out.WriteLineAsync($"--- scripts/run {verb}: {clock.Elapsed.TotalSeconds:0.0} s\n{output}");
        Assert.That(process.ExitCode, Is.Zero, $"scripts/run {verb}:\n{output}");
        return (process.ExitCode, output);
    }

    private void AssertListening()
    {
        foreach (var (name, port) in _ports.All)
            Assert.That(InUse(port), Is.True, $"{name} listens on {port}");
    }

    private async Task AssertAllStoppedAsync(string output)
    {
        // A moment for the kernel to release the sockets of processes that have just exited.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (_ports.All.Any(p => InUse(p.Port)) && DateTime.UtcNow < deadline)
            await Task.Delay(250);
        var running = _ports.All.Where(p => InUse(p.Port)).Select(p => $"{p.Name} on {p.Port}").ToList();
        Assert.That(running, Is.Empty, $"scripts/run stop left these running. It said:\n{output}");
    }

    /// <summary>The folder a run put RabbitMQ's data in, from its "Starting RabbitMQ on N (data in X/rabbitmq)" line.</summary>
    private static string DataFolder(string output) =>
        Regex.Match(output, @"\(data in (\S+)/rabbitmq\)") is { Success: true } m ? m.Groups[1].Value : "(no RabbitMQ start in the output)";

    private static bool InUse(int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync("127.0.0.1", port).Wait(TimeSpan.FromSeconds(1)) && client.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
    }

    /// <summary>Ports nobody holds: the broker's with its +10000 and +20000 companions (as scripts/servers.sh's free_port), the rest anywhere.</summary>
    private static Ports FreePorts()
    {
        var random = new Random();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var amqp = 22000 + random.Next(1000);
            if (new[] { amqp, amqp + 10000, amqp + 20000 }.Any(InUse))
                continue;
            var others = Enumerable.Range(0, 4).Select(_ => Agents.Launcher.FreePorts.Next()).Distinct().ToList();
            if (others.Count == 4)
                return new Ports(amqp, others[0], others[1], others[2], others[3]);
        }
        throw new InvalidOperationException("No free ports for scripts/run.");
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);

    private static void WriteScript(string path, string text)
    {
        File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
    }
}
