using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Agents.Bench;

/// <summary>
/// A lean HTTP/1.1 load generator in the spirit of wrk: requests are built (and signed) before the clock starts, and
/// each of <c>concurrency</c> keep-alive connections sends one, reads the answer, sends the next. It costs a fraction of
/// what HttpClient costs per request, so on a 2-core machine the figure is the server's, not the client's.
/// </summary>
public static class KeepAliveLoad
{
    public sealed record Result(int Sent, int Accepted, TimeSpan Elapsed, Measurements Latency, IReadOnlyDictionary<int, int> Statuses);

    /// <summary>The bytes of one POST with a JSON body and the given extra headers.</summary>
    public static byte[] Post(Uri server, string path, string body, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var content = Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder()
            .Append("POST ").Append(path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(server.Authority).Append("\r\n")
            .Append("Content-Type: application/json\r\n")
            .Append("Content-Length: ").Append(content.Length).Append("\r\n");
        foreach (var (name, value) in headers)
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append("\r\n");
        return [.. Encoding.ASCII.GetBytes(head.ToString()), .. content];
    }

    /// <summary>Sends every request once, <paramref name="concurrency"/> at a time; a 2xx counts as accepted.</summary>
    public static async Task<Result> RunAsync(Uri server, IReadOnlyList<byte[]> requests, int concurrency, CancellationToken cancellationToken)
    {
        var latency = new Measurements();
        var statuses = new Dictionary<int, int>();
        var next = -1;
        var connections = new List<Connection>();
        try
        {
            for (var i = 0; i < concurrency; i++)
                connections.Add(await Connection.OpenAsync(server, cancellationToken));
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(connections.Select(async connection =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < requests.Count)
                {
                    var started = Stopwatch.GetTimestamp();
                    var status = await connection.SendAsync(requests[i], cancellationToken);
                    latency.Add(Stopwatch.GetElapsedTime(started));
                    lock (statuses)
                        statuses[status] = statuses.GetValueOrDefault(status) + 1;
                }
            }));
            var accepted = statuses.Where(s => s.Key is >= 200 and < 300).Sum(s => s.Value);
            return new Result(requests.Count, accepted, clock.Elapsed, latency, statuses);
        }
        finally
        {
            foreach (var connection in connections)
                connection.Dispose();
        }
    }

    private sealed class Connection(Socket socket) : IDisposable
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public static async Task<Connection> OpenAsync(Uri server, CancellationToken cancellationToken)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new DnsEndPoint(server.Host, server.Port), cancellationToken);
            return new Connection(socket);
        }

        /// <summary>Writes the request and reads the whole answer (Content-Length or chunked); returns its status code.</summary>
        public async Task<int> SendAsync(byte[] request, CancellationToken cancellationToken)
        {
            await socket.SendAsync(request, SocketFlags.None, cancellationToken);
            int headerEnd;
            while ((headerEnd = Find("\r\n\r\n"u8)) < 0)
                await FillAsync(cancellationToken);
            var head = Encoding.ASCII.GetString(_buffer, _start, headerEnd - _start);
            _start = headerEnd + 4;
            var status = int.Parse(head.AsSpan(9, 3));
            if (Header(head, "Content-Length") is { } length)
                await SkipAsync(int.Parse(length), cancellationToken);
            else if (Header(head, "Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
                await SkipChunksAsync(cancellationToken);
            return status;
        }

        private async Task SkipChunksAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                int lineEnd;
                while ((lineEnd = Find("\r\n"u8)) < 0)
                    await FillAsync(cancellationToken);
                var size = Convert.ToInt32(Encoding.ASCII.GetString(_buffer, _start, lineEnd - _start).Split(';')[0], 16);
                _start = lineEnd + 2;
                await SkipAsync(size + 2, cancellationToken); // the chunk and its CRLF; the last chunk is empty
                if (size == 0)
                    return;
            }
        }

        private async Task SkipAsync(int count, CancellationToken cancellationToken)
        {
            while (_end - _start < count)
            {
                count -= _end - _start;
                _start = _end = 0;
                await FillAsync(cancellationToken);
            }
            _start += count;
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            if (read == 0)
                throw new IOException("The server closed the connection.");
            _end += read;
        }

        private int Find(ReadOnlySpan<byte> what)
        {
            var at = _buffer.AsSpan(_start, _end - _start).IndexOf(what);
            return at < 0 ? -1 : _start + at;
        }

        private static string? Header(string head, string name)
        {
            foreach (var line in head.Split("\r\n"))
                if (line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
                    return line[(name.Length + 1)..].Trim();
            return null;
        }

        public void Dispose() => socket.Dispose();
    }
}
