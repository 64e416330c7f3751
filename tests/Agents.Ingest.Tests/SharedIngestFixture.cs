using NUnit.Framework;

namespace Agents.Ingest.Tests;

/// <summary>
/// A fixture whose tests share one ingest (<see cref="IngestHost"/>, started once, stopped after the last test), each
/// test with tickets of its own; after every test the service must have logged no error.
/// </summary>
public abstract class SharedIngestFixture
{
    protected IngestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartIngest() => _host = await IngestHost.StartAsync();

    [OneTimeTearDown]
    public async Task StopIngest()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    [TearDown]
    public void NoErrorsLogged() => Assert.That(_host.Errors.Entries, Is.Empty, "the service logged errors");
}
