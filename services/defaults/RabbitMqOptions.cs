namespace Agents.ServiceDefaults;

/// <summary>Broker connection, bound from the <c>RabbitMq</c> section (<c>RabbitMq__Host</c> …).</summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    public string Host { get; set; } = "localhost";
    public ushort Port { get; set; } = 5672;
    public string VirtualHost { get; set; } = "/";
    public string Username { get; set; } = "guest";
    public string Password { get; set; } = "guest";

    /// <summary>Messages each endpoint works on at once, per instance.</summary>
    public int ConcurrentMessageLimit { get; set; } = 16;
}
