using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>A fixture whose tests each start their own writer (<see cref="WriterTestHost"/>), stopped after the test.</summary>
public abstract class WriterFixture
{
    protected WriterTestHost? _host;

    [TearDown]
    public async Task StopWriter()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        _host = null;
    }
}
