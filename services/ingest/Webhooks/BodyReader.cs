using System.Buffers;

namespace Agents.Ingest.Webhooks;

public static class BodyReader
{
    /// <summary>
    /// Reads at most <paramref name="limit"/> bytes and returns them with the body's size: the declared
    /// Content-Length, or the bytes seen, which is limit + 1 when the sender kept going past the limit. A body
    /// declared larger than the limit is not read at all.
    /// </summary>
    public static async Task<(byte[] Body, long Size)> ReadAsync(HttpRequest http, long limit, CancellationToken cancellationToken)
    {
        if (http.ContentLength is { } tooLarge && tooLarge > limit)
            return ([], tooLarge);
        // A declared length within the limit is read straight into its array (one allocation, no copies); the
        // declaration is not trusted beyond that: fewer bytes end the read, more are caught by the bound below.
        var buffer = http.ContentLength is { } declared && declared <= limit ? new BodyBuffer((int)declared) : new BodyBuffer(16 * 1024);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        long seen = 0;
        try
        {
            int read;
            while ((read = await http.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                buffer.Append(chunk.AsSpan(0, (int)Math.Min(read, Math.Max(0, limit - buffer.Length))));
                seen += read;
                if (seen > limit)
                    break;
            }
        }
        catch (Exception e) when (e is IOException or Microsoft.AspNetCore.Http.BadHttpRequestException or OperationCanceledException)
        {
            // The sender went away or broke the framing; what arrived is all there is.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return (buffer.ToArray(), Math.Max(http.ContentLength ?? 0, seen));
    }

    /// <summary>A growable byte buffer whose <see cref="ToArray"/> hands over its array when it is exactly full.</summary>
    private sealed class BodyBuffer(int capacity)
    {
        private byte[] _bytes = new byte[capacity];

        public int Length { get; private set; }

        public void Append(ReadOnlySpan<byte> data)
        {
            if (Length + data.Length > _bytes.Length)
                Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + data.Length));
            data.CopyTo(_bytes.AsSpan(Length));
            Length += data.Length;
        }

        public byte[] ToArray() => Length == _bytes.Length ? _bytes : _bytes[..Length];
    }
}
