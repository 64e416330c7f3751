using System.Globalization;
using System.Threading.RateLimiting;
using Agents.Ingest.Quarantine;
using Agents.Ingest.Sources;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Agents.Ingest.Webhooks;

/// <summary>
/// A token bucket per source (<c>Ingest__RateLimit__PermitsPerSecond</c>, <c>__Burst</c>), so one noisy vendor
/// cannot starve the others. Over the limit: 429 with Retry-After, and the body quarantined.
/// </summary>
public static class WebhookRateLimiting
{
    public const string Policy = "webhooks-per-source";

    public static IServiceCollection AddWebhookRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Policy, http =>
            {
                var options = http.RequestServices.GetRequiredService<IOptions<IngestOptions>>().Value.RateLimit;
                var source = SourceOf(http);
                return RateLimitPartition.GetTokenBucketLimiter(source, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, options.Burst > 0 ? options.Burst : options.PermitsPerSecond),
                    TokensPerPeriod = Math.Max(1, options.PermitsPerSecond),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    /// <summary>The partition: a known source's name, or one shared bucket for every unknown name.</summary>
    private static string SourceOf(HttpContext http)
    {
        var name = http.Request.RouteValues["source"] as string;
        var sources = http.RequestServices.GetRequiredService<IEnumerable<IWebhookSource>>();
        return sources.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))?.Name ?? "unknown";
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        var source = SourceOf(http);
        var services = http.RequestServices;
        services.GetRequiredService<IngestMetrics>().Answered(source, 429);

        var (body, size) = await BodyReader.ReadAsync(http.Request, QuarantineStore.KeptPrefixBytes, cancellationToken);
        var headers = http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        await services.GetRequiredService<QuarantineStore>().KeepAsync(new QuarantineEntry(source, QuarantineReasons.RateLimited, 429,
            "over the per-source rate limit", headers, body, size, SignatureVerified: false, DateTimeOffset.UtcNow), CancellationToken.None);

        await Results.Problem(statusCode: 429, title: "Too many requests for this source.", detail: $"Retry after {retryAfter} seconds.")
            .ExecuteAsync(http);
    }
}
