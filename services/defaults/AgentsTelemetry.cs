using System.Diagnostics;

namespace Agents.ServiceDefaults;

/// <summary>The activity source our own spans use; every service registers it for tracing.</summary>
public static class AgentsTelemetry
{
    public const string ActivitySourceName = "Agents";
    public static readonly ActivitySource Source = new(ActivitySourceName);
}
