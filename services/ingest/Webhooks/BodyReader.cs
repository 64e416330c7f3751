namespace Agents.Ingest.Webhooks;

public static class BodyReader
{
    /// <summary>
    /// Reads at most <paramref name="limit"/> bytes and returns them with the body's size: the declared
    /// Content-Length, or the bytes seen, which is limit + 1 when the sender kept going past the limit.
    /// </summary>
    public static async Task<(byte[] Body, long Size)> ReadAsync(HttpRequest http, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        long seen = 0;
        try
        {
            int read;
            while ((read = await http.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                var keep = (int)Math.Min(read, Math.Max(0, limit - buffer.Length));
                buffer.Write(chunk, 0, keep);
                seen += read;
                if (seen > limit)
                    break;
            }
        }
        catch (Exception e) when (e is IOException or Microsoft.AspNetCore.Http.BadHttpRequestException or OperationCanceledException)
        {
            // The sender went away or broke the framing; what arrived is all there is.
        }
        return (buffer.ToArray(), Math.Max(http.ContentLength ?? 0, seen));
    }
}
