using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Agents.Harness;

/// <summary>
/// A TCP proxy in front of a RabbitMQ node, for the broker's failures as one service sees them without touching the
/// broker the other tests share:
/// <list type="bullet">
/// <item><see cref="Cut"/> and <see cref="Resume"/>: an outage (every connection dropped, new ones refused) and the
/// broker back on the same port.</item>
/// <item><see cref="DropExchangeAnswers"/>: the broker's answers to exchange operations (declare-ok, delete-ok,
/// bind-ok, unbind-ok) never arrive; to the client, a channel whose protocol operations are never answered, the state
/// rabbitmq-dotnet-client#1964 leaves a channel in after a timed-out operation under load. Everything else passes
/// both ways, so consuming, acknowledging and publishing on channels that already declared their exchanges go on.</item>
/// </list>
/// </summary>
public sealed class AmqpProxy : IAsyncDisposable
{
    private const byte MethodFrame = 1;
    private const ushort ExchangeClass = 40;
    private static readonly ushort[] ExchangeAnswers = [11, 21, 31, 51];

    private readonly string _host;
    private readonly int _port;
    private readonly ConcurrentDictionary<TcpClient, bool> _sockets = new();
    private TcpListener _listener;
    private CancellationTokenSource _stop = new();
    private int _dropped;

    private AmqpProxy(string host, int port)
    {
        _host = host;
        _port = port;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
    }

    /// <summary>The port clients connect to instead of the broker's; the same after <see cref="Resume"/>.</summary>
    public int Port { get; }

    /// <summary>While set, the broker's answers to exchange operations are dropped (and counted in <see cref="Dropped"/>).</summary>
    public bool DropExchangeAnswers { get; set; }

    public int Dropped => Volatile.Read(ref _dropped);

    public static AmqpProxy Start(string host, int port)
    {
        var proxy = new AmqpProxy(host, port);
        _ = proxy.AcceptAsync(proxy._listener, proxy._stop.Token);
        return proxy;
    }

    /// <summary>Drops every connection and refuses new ones until <see cref="Resume"/>.</summary>
    public void Cut()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var socket in _sockets.Keys)
            Reset(socket);
    }

    /// <summary>Accepts connections again, on the same port.</summary>
    public void Resume()
    {
        _stop.Dispose();
        _stop = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptAsync(_listener, _stop.Token);
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
                _ = ForwardAsync(await listener.AcceptTcpClientAsync(stop), stop);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    /// <summary>
    /// One client's connection, on a task of its own: whatever happens to it (a health probe that connects and hangs
    /// up at once, the broker away) must not end the accept loop.
    /// </summary>
    private async Task ForwardAsync(TcpClient client, CancellationToken stop)
    {
        var broker = new TcpClient { NoDelay = true };
        client.NoDelay = true;
        _sockets[client] = true;
        _sockets[broker] = true;
        try
        {
            await broker.ConnectAsync(_host, _port, stop);
            var (fromClient, fromBroker) = (client.GetStream(), broker.GetStream());
            await Task.WhenAny(PassAsync(fromClient, fromBroker, stop), FramesAsync(fromBroker, fromClient, stop));
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            Reset(client);
            Reset(broker);
        }
    }

    /// <summary>Client to broker: bytes as they come.</summary>
    private static async Task PassAsync(Stream from, Stream to, CancellationToken stop)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer, stop)) > 0)
                await to.WriteAsync(buffer.AsMemory(0, n), stop);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    /// <summary>Broker to client: frame by frame (type, channel, size, payload, end octet), so one can be left out.</summary>
    private async Task FramesAsync(Stream from, Stream to, CancellationToken stop)
    {
        var header = new byte[7];
        try
        {
            while (true)
            {
                await from.ReadExactlyAsync(header, stop);
                var size = (int)BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(3));
                // One write a frame: two small writes would wait on each other (Nagle's algorithm against the
                // client's delayed acknowledgement), 40 ms a frame, enough to time out a reconnecting client's handshake.
                var frame = new byte[header.Length + size + 1];
                header.CopyTo(frame, 0);
                await from.ReadExactlyAsync(frame.AsMemory(header.Length), stop);
                var method = frame.AsSpan(header.Length);
                if (DropExchangeAnswers && header[0] == MethodFrame && size >= 4
                    && BinaryPrimitives.ReadUInt16BigEndian(method) == ExchangeClass
                    && ExchangeAnswers.Contains(BinaryPrimitives.ReadUInt16BigEndian(method[2..])))
                {
                    Interlocked.Increment(ref _dropped);
                    continue;
                }
                await to.WriteAsync(frame, stop);
            }
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    // Closed without lingering (an RST, as a broker that went away leaves it): the client sees its connection fail at
    // once, as the outage tests expect, not a polite end of stream.
    private void Reset(TcpClient socket)
    {
        try
        {
            socket.Client?.Close(0);
        }
        catch (ObjectDisposedException)
        {
        }
        socket.Dispose();
        _sockets.TryRemove(socket, out _);
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
