using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Agents.Harness;

/// <summary>
/// A TCP proxy in front of a RabbitMQ node that can drop the broker's answers to exchange operations (declare-ok,
/// delete-ok, bind-ok, unbind-ok): to the client, a channel whose protocol operations are never answered, the state
/// rabbitmq-dotnet-client#1964 leaves a channel in after a timed-out operation under load. Everything else passes
/// both ways, so consuming, acknowledging and publishing on channels that already declared their exchanges go on.
/// </summary>
public sealed class AmqpProxy : IAsyncDisposable
{
    private const byte MethodFrame = 1;
    private const ushort ExchangeClass = 40;
    private static readonly ushort[] ExchangeAnswers = [11, 21, 31, 51];

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _host;
    private readonly int _port;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _sockets = [];
    private int _dropped;

    private AmqpProxy(string host, int port)
    {
        _host = host;
        _port = port;
    }

    /// <summary>The port clients connect to instead of the broker's.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>While set, the broker's answers to exchange operations are dropped (and counted in <see cref="Dropped"/>).</summary>
    public bool DropExchangeAnswers { get; set; }

    public int Dropped => Volatile.Read(ref _dropped);

    public static AmqpProxy Start(string host, int port)
    {
        var proxy = new AmqpProxy(host, port);
        proxy._listener.Start();
        _ = proxy.AcceptAsync();
        return proxy;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var broker = new TcpClient();
                try
                {
                    await broker.ConnectAsync(_host, _port, _stop.Token);
                }
                catch (SocketException)
                {
                    client.Dispose();
                    broker.Dispose();
                    continue;
                }
                lock (_sockets)
                    _sockets.AddRange([client, broker]);
                _ = PassAsync(client.GetStream(), broker.GetStream(), client, broker);
                _ = FramesAsync(broker.GetStream(), client.GetStream(), client, broker);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    /// <summary>Client to broker: bytes as they come.</summary>
    private async Task PassAsync(Stream from, Stream to, TcpClient a, TcpClient b)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer, _stop.Token)) > 0)
                await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        a.Dispose();
        b.Dispose();
    }

    /// <summary>Broker to client: frame by frame (type, channel, size, payload, end octet), so one can be left out.</summary>
    private async Task FramesAsync(Stream from, Stream to, TcpClient a, TcpClient b)
    {
        var header = new byte[7];
        try
        {
            while (true)
            {
                await from.ReadExactlyAsync(header, _stop.Token);
                var size = (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(3));
                var rest = new byte[size + 1];
                await from.ReadExactlyAsync(rest, _stop.Token);
                if (DropExchangeAnswers && header[0] == MethodFrame && size >= 4
                    && BinaryPrimitives.ReadUInt16BigEndian(rest) == ExchangeClass
                    && ExchangeAnswers.Contains(BinaryPrimitives.ReadUInt16BigEndian(rest.AsSpan(2))))
                {
                    Interlocked.Increment(ref _dropped);
                    continue;
                }
                await to.WriteAsync(header, _stop.Token);
                await to.WriteAsync(rest, _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        a.Dispose();
        b.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_sockets)
            _sockets.ForEach(s => s.Dispose());
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
