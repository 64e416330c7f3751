using Agents.Harness;
using Agents.Launcher;

namespace Agents.Faults.Tests;

/// <summary>The shared system settings give each service its own part and no other's, in process and launched alike.</summary>
[TestFixture]
public sealed class SystemSettingsTests
{
    private static readonly SystemSettings Settings = new()
    {
        Broker = SystemSettings.BrokerAt("127.0.0.1", 41234),
        ConnectionString = "Host=127.0.0.1;Port=45000;Database=agents",
        LogLevel = "Warning",
        ApproverName = "faults",
        ApproverToken = "t0ken",
        BulkGuardOff = true,
        WriterExtras = new Dictionary<string, string?> { ["Writer:PolicyFile"] = "/tmp/p.json", ["Approvers:0:Name"] = "override" },
    };

    [Test]
    public void Each_service_gets_the_common_part_and_its_own()
    {
        Assert.Multiple(() =>
        {
            foreach (var service in new[] { Settings.Ingest, Settings.Classifier, Settings.Writer })
            {
                Assert.That(service["RabbitMq:Port"], Is.EqualTo("41234"));
                Assert.That(service["ConnectionStrings:Db"], Is.EqualTo(Settings.ConnectionString));
                Assert.That(service["Logging:LogLevel:Agents"], Is.EqualTo("Warning"));
            }
            Assert.That(Settings.Ingest["Ingest:Sources:generic:Secret"], Is.EqualTo(SignedWebhooks.Secret));
            Assert.That(Settings.Writer["Approvers:0:Token"], Is.EqualTo("t0ken"));
            Assert.That(Settings.Writer["Approvers:0:Name"], Is.EqualTo("override"), "extras win");
            Assert.That(Settings.Writer["Writer:BulkGuard:MaxRecordsPerProposal"], Is.EqualTo("0"));
            Assert.That(Settings.Ingest.Keys.Concat(Settings.Classifier.Keys), Has.None.StartsWith("Approvers").And.None.StartsWith("Writer"));
        });
    }

    [Test]
    public void Launched_instances_get_the_same_settings_as_in_process_hosts()
    {
        var options = Settings.LaunchOptions(ingest: 2, classifier: 1, writer: 3, logDirectory: "/tmp/logs");
        Assert.Multiple(() =>
        {
            Assert.That((options.Ingest, options.Classifier, options.Writer), Is.EqualTo((2, 1, 3)));
            Assert.That(options.SettingsFor(ServiceKind.Ingest), Is.EquivalentTo(Settings.Ingest));
            Assert.That(options.SettingsFor(ServiceKind.Classifier), Is.EquivalentTo(Settings.Classifier));
            Assert.That(options.SettingsFor(ServiceKind.Writer), Is.EquivalentTo(Settings.Writer));
        });
    }
}
