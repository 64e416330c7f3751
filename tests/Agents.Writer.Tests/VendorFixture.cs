using Agents.Writer.Tests.FakeVendors;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// A writer whose source is routed to one fake vendor, auto-approving every write (so a proposal goes straight to the
/// adapter), with short CRM retries; the vendor is stopped after the test.
/// </summary>
public abstract class VendorFixture : WriterFixture
{
    private FakeVendorServer? _vendor;

    [TearDown]
    public async Task StopVendor()
    {
        if (_vendor is not null)
            await _vendor.DisposeAsync();
        _vendor = null;
    }

    /// <summary>Starts the writer with <c>Writer:Crm:Routes:{source}</c> = <paramref name="adapter"/> pointing at <paramref name="vendor"/>.</summary>
    protected async Task<T> StartAsync<T>(T vendor, string source, string? configuredCredentials = null,
        Action<WebApplicationBuilderHook>? hook = null, string? adapter = null)
        where T : FakeVendorServer
    {
        _vendor = vendor;
        var capture = new WebApplicationBuilderHook();
        hook?.Invoke(capture);
        var settings = VendorAccounts.Settings([vendor], capture.Settings, configuredCredentials);
        settings[$"Writer:Crm:Routes:{source}"] = adapter ?? source;
        _host = await WriterTestHost.StartAsync(Policies.AutoApproveAll, settings, capture.Apply);
        return vendor;
    }

    /// <summary>
    /// The vendor saw <paramref name="requests"/> requests, the second at least <paramref name="wait"/> after the first:
    /// the write waited as long as the vendor asked (Retry-After, a rate limit's reset), not the tests' 50 ms backoff.
    /// </summary>
    protected static void AssertWaitedAsAsked(FakeVendorServer vendor, int requests, TimeSpan wait)
    {
        var seen = vendor.Requests.ToList();
        Assert.That(seen, Has.Count.EqualTo(requests));
        Assert.That(seen[1].At - seen[0].At, Is.GreaterThanOrEqualTo(wait * 0.9), "waited as the vendor asked, not the 50 ms backoff");
    }

    protected async Task<string?> FailureReasonAsync(Guid id) =>
        (await _host!.DetailAsync(id)).GetProperty("write").GetProperty("failureReason").GetString();
}

/// <summary>Extra settings and a builder hook for one writer start.</summary>
public sealed class WebApplicationBuilderHook
{
    public Dictionary<string, string?> Settings { get; } = new();
    public Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? Configure { get; set; }
    public void Apply(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder) => Configure?.Invoke(builder);
}
