namespace Agents.Harness;

/// <summary>
/// A virtual host and a database of their own on the run's servers (<see cref="TestServers"/>): the pair every
/// in-process system of the tests starts on, set up and torn down in one place.
/// </summary>
public sealed class IsolatedServers : IAsyncDisposable
{
    private IsolatedServers(IsolatedBroker broker, IsolatedDatabase database)
    {
        Broker = broker;
        Database = database;
    }

    public IsolatedBroker Broker { get; }
    public IsolatedDatabase Database { get; }

    public static async Task<IsolatedServers> CreateAsync()
    {
        var broker = await IsolatedBroker.CreateAsync();
        try
        {
            return new IsolatedServers(broker, await IsolatedDatabase.CreateAsync());
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Broker.DisposeAsync();
        }
        finally
        {
            await Database.DisposeAsync();
        }
    }
}
