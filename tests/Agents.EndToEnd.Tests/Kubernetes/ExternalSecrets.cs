namespace Agents.EndToEnd.Tests.Kubernetes;

/// <summary>
/// The Secrets the manifests use without containing them, and the keys each is documented to hold: those the two
/// operators create for the clusters of the overlay (named after them), and ours, agents-secrets, wherever an
/// overlay does not generate it (production: the team creates it with the keys of secrets.env.example).
/// </summary>
public static class ExternalSecrets
{
    public const string Ours = "agents-secrets";

    /// <summary>RabbitMQ Cluster Operator: <c>{cluster}-default-user</c> (its internal/resource/default_user_secret.go).</summary>
    public static readonly IReadOnlySet<string> BrokerUserKeys = new HashSet<string>
    {
        "username", "password", "host", "port", "connection_string", "default_user.conf", "provider", "type",
    };

    /// <summary>CloudNativePG: <c>{cluster}-app</c>, the database owner's credentials (its docs, "Connecting from an application").</summary>
    public static readonly IReadOnlySet<string> DatabaseAppKeys = new HashSet<string>
    {
        "username", "user", "password", "host", "port", "dbname", "pgpass", "uri", "jdbc-uri", "fqdn-uri", "fqdn-jdbc-uri",
    };

    public static string BrokerUserSecret(RenderedOverlay overlay) => overlay.Broker.Name + "-default-user";

    public static string DatabaseAppSecret(RenderedOverlay overlay) => overlay.Database.Name + "-app";

    /// <summary>Every Secret the overlay may reference but does not render, with its documented keys.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> Of(RenderedOverlay overlay)
    {
        var secrets = new Dictionary<string, IReadOnlySet<string>>
        {
            [BrokerUserSecret(overlay)] = BrokerUserKeys,
            [DatabaseAppSecret(overlay)] = DatabaseAppKeys,
        };
        if (overlay.SecretData(Ours) is null && !overlay.OfKind("Secret").Any(s => s.Name.StartsWith(Ours + "-", StringComparison.Ordinal)))
            secrets[Ours] = KubernetesLayout.ExampleSecrets().Keys.ToHashSet();
        return secrets;
    }

    /// <summary>What the static checks read for an external Secret's key: a marker naming it.</summary>
    public static string Placeholder(string secret, string key) => $"<{secret}/{key}>";

    /// <summary>Rendered Secrets' values, markers for the documented external ones, null for anything else.</summary>
    public static ContainerEnvironment.SecretLookup Placeholders(RenderedOverlay overlay)
    {
        var external = Of(overlay);
        return (secret, key) => overlay.SecretData(secret) is { } data
            ? data.GetValueOrDefault(key)
            : external.GetValueOrDefault(secret)?.Contains(key) == true ? Placeholder(secret, key) : null;
    }
}
