using System.Globalization;

namespace Agents.ServiceDefaults;

/// <summary>
/// One RabbitMQ node the services may connect to. <see cref="RabbitMqOptions.Host"/> names one, or a cluster's nodes
/// separated by commas, each with a port of its own when it differs from <see cref="RabbitMqOptions.Port"/>
/// (<c>rabbit-1,rabbit-2,rabbit-3</c>, <c>10.0.0.5:5672,10.0.0.6:5673</c>): the spelling of Npgsql's multi-host
/// <c>Host</c>, so both servers' settings read alike.
/// </summary>
public sealed record BrokerNode(string Host, ushort Port)
{
    public override string ToString() => $"{Host}:{Port}";

    /// <summary>
    /// The nodes <paramref name="hosts"/> names, in order; <paramref name="defaultPort"/> for those without a port.
    /// Throws with the setting's name on a malformed list: a typo must stop the service at start, not leave a node
    /// out without a word.
    /// </summary>
    public static IReadOnlyList<BrokerNode> ParseList(string? hosts, ushort defaultPort)
    {
        var parts = (hosts ?? "").Split(',', StringSplitOptions.TrimEntries);
        if (parts.Any(p => p.Length == 0))
            throw Malformed(hosts, "an empty host name");
        return parts.Select(p => Parse(p, defaultPort, hosts)).ToList();
    }

    private static BrokerNode Parse(string part, ushort defaultPort, string? hosts)
    {
        var colon = part.LastIndexOf(':');
        if (colon < 0)
            return new BrokerNode(part, defaultPort);
        // MassTransit's cluster nodes are host[:port]: an IPv6 literal cannot be told from a port, so it is refused.
        if (part.IndexOf(':') != colon)
            throw Malformed(hosts, $"'{part}' (an IPv6 address: use a host name)");
        if (colon == 0 || !ushort.TryParse(part[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
            throw Malformed(hosts, $"'{part}' (host:port, the port a number from 1 to 65535)");
        return new BrokerNode(part[..colon], port);
    }

    private static FormatException Malformed(string? hosts, string what) =>
        new($"{RabbitMqOptions.Section}:Host '{hosts}' has {what}; expected host[:port] names separated by commas.");
}
