using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>Routes that would send a write to the wrong place stop the writer at start (no servers needed).</summary>
[TestFixture]
public class CrmRouteConfigurationTests
{
    private static string StartError(Dictionary<string, string?> settings)
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            using var app = WriterService.Build([], settings);
        });
        return e!.Message;
    }

    [Test]
    public void A_source_routed_to_another_vendors_adapter_stops_the_writer()
    {
        var message = StartError(new()
        {
            ["Writer:Crm:Routes:freshdesk"] = "zendesk",
            ["Crm:Zendesk:Subdomain"] = "acme", ["Crm:Zendesk:Email"] = "a@example.com", ["Crm:Zendesk:ApiToken"] = "t",
        });
        Assert.That(message, Does.Contain("Writer:Crm:Routes:freshdesk").And.Contain("zendesk tickets only"));
        Assert.That(StartError(new() { ["Writer:Crm:DefaultRoute"] = "hubspot", ["Crm:HubSpot:AccessToken"] = "t" }),
            Does.Contain("default route must be journal or none"));
    }

    [Test]
    public void A_routed_adapter_without_credentials_an_unknown_adapter_and_the_old_single_adapter_setting_stop_the_writer()
    {
        Assert.That(StartError(new() { ["Writer:Crm:Routes:github"] = "github" }), Does.Contain("Crm:GitHub:Token is not set"));
        Assert.That(StartError(new() { ["Writer:Crm:Routes:zendesk"] = "zendsek" }), Does.Contain("not one of"));
        Assert.That(StartError(new() { ["Writer:CrmAdapter"] = "zendesk" }), Does.Contain("Writer__Crm__Routes__zendesk=zendesk"));
    }

    [Test]
    public void Shipped_settings_route_every_source_to_the_journal()
    {
        using var app = WriterService.Build([], new Dictionary<string, string?>());
        var routes = app.Services.GetRequiredService<Crm.CrmRoutes>();
        Assert.That(routes.Describe(), Is.EqualTo("others→journal"));
        Assert.That(routes.For("zendesk", Contracts.WriteKinds.SetPriority, "42").Adapter?.Name, Is.EqualTo("journal"));
    }
}
