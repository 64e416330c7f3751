using Agents.Crm.Reading;
using Agents.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Agents.Writer.Tests.FakeVendors;

/// <summary>
/// What the read side's vendor tests share: <see cref="ReadableTickets"/> started for one CRM, every log line
/// captured (Trace included), the readers on its settings, and the canary: no credential, as configured or as sent,
/// in a log line or in any text the test names.
/// </summary>
public abstract class ReadingFixture(string crm)
{
    protected string Crm { get; } = crm;
    protected ReadableTickets Vendor { get; private set; } = null!;
    protected LogCapture Logs { get; } = new();

    [SetUp]
    public async Task StartVendor() => Vendor = await ReadableTickets.StartAsync(Crm);

    [TearDown]
    public async Task StopVendor()
    {
        Logs.Dispose();
        await Vendor.Server.DisposeAsync();
    }

    /// <summary>Logging into <see cref="Logs"/> and the CRM readers, on the vendor's settings and <paramref name="extra"/>.</summary>
    protected IServiceCollection Readers(string? credentials = null, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = Vendor.Settings(credentials);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace))
            .AddCrmReaders(configuration);
    }

    /// <summary>No credential in a log line, nor in any of <paramref name="texts"/> (what, text).</summary>
    protected void AssertNoSecret(string? configured, params (string What, string? Text)[] texts)
    {
        Assert.That(Logs.Lines, Is.Not.Empty, "the log lines were captured");
        foreach (var secret in Vendor.Secrets(configured))
        {
            Assert.That(Logs.All, Does.Not.Contain(secret), "a log line holds the credential");
            foreach (var (what, text) in texts)
                Assert.That(text ?? "", Does.Not.Contain(secret), $"{what} holds the credential");
        }
    }
}
