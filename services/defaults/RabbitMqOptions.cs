using RabbitMQ.Client;

namespace Agents.ServiceDefaults;

/// <summary>Broker connection and queue settings, bound from the <c>RabbitMq</c> section (<c>RabbitMq__Host</c> …).</summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    /// <summary>
    /// The broker's host, or a RabbitMQ cluster's nodes separated by commas (<see cref="BrokerNode"/>): the services
    /// connect to the first that answers and, when they lose it, to the next.
    /// </summary>
    public string Host { get; set; } = "localhost";

    /// <summary>The AMQP port of every node that <see cref="Host"/> names without one.</summary>
    public ushort Port { get; set; } = 5672;
    public string VirtualHost { get; set; } = "/";
    public string Username { get; set; } = "guest";
    public string Password { get; set; } = "guest";

    /// <summary>Messages each endpoint works on at once, per instance.</summary>
    public int ConcurrentMessageLimit { get; set; } = 16;

    /// <summary>
    /// Messages the broker hands each endpoint ahead of time, per instance; unset: <see cref="EffectivePrefetchCount"/>.
    /// Kept close to the limit on purpose: a consumer that dies returns every message it held, and on a quorum
    /// queue each of them has one delivery more counted against <see cref="DeliveryLimit"/>.
    /// </summary>
    public ushort? PrefetchCount { get; set; }

    /// <summary>
    /// <see cref="PrefetchCount"/>, or the concurrent limit × 1.2 (MassTransit's rule for an endpoint's own limit): a
    /// few messages ready when a slot frees, and never fewer than the slots, or the extra slots stay idle.
    /// </summary>
    public ushort EffectivePrefetchCount =>
        PrefetchCount ?? (ushort)Math.Clamp(ConcurrentMessageLimit * 12L / 10, 1, ushort.MaxValue);

    /// <summary>
    /// What kind of queue every endpoint, its <c>_error</c> queue and the redelivery queues are (all services of a
    /// deployment must agree). Quorum (the default): replicated by Raft, the broker's recommended durable type; a
    /// deployment that ran classic queues is moved over at start (<see cref="Queues.QueuePreparation"/>).
    /// </summary>
    public QueueType QueueType { get; set; } = QueueType.Quorum;

    /// <summary>
    /// Quorum queues only: deliveries of one message that may end without an acknowledgement (its consumer died, its
    /// channel closed) before the broker moves it to the endpoint's <c>_error</c> queue instead of handing it out
    /// again: a message that crashes every instance that takes it stops there. Failures the code sees (exceptions) are
    /// retried in memory and redelivered through the delay queues, and do not count here.
    /// </summary>
    public int DeliveryLimit { get; set; } = 20;

    /// <summary>
    /// How long one protocol operation (opening a channel, declaring an exchange before the first publish to it) may
    /// wait for the broker's answer: RabbitMQ.Client's continuation timeout, MassTransit's default of 20 s.
    /// </summary>
    public TimeSpan ContinuationTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// An instance whose sends to the broker keep timing out this long, none getting through while its bus is
    /// connected, stops with exit code 75 for its supervisor to start it afresh (<see cref="Publishing.PublishingStall"/>);
    /// zero: never.
    /// </summary>
    public TimeSpan StopWhenPublishingStalledFor { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// An instance with a send the broker has not confirmed this long stops with exit code 75 for its supervisor to start
    /// it afresh (<see cref="Publishing.UnconfirmedSends"/>), unless the broker blocks publishers; zero: never. A
    /// confirmation normally takes milliseconds, and the sends that must answer a person or a vendor give up sooner on
    /// their own (ingest after 5 s, a decision after 10 s, a sweep after 30 s).
    /// </summary>
    public TimeSpan StopWhenSendUnconfirmedFor { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// An instance that has been handling one message this long (from its delivery to its acknowledgement, retries
    /// included) stops with exit code 75 for its supervisor to start it afresh (<see cref="Consuming.HeldMessages"/>);
    /// zero: never. Far above our longest handling, a classifier's eight attempts with an LLM call each.
    /// </summary>
    public TimeSpan StopWhenMessageHeldFor { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The nodes <see cref="Host"/> names, in order (one for a single broker).</summary>
    public IReadOnlyList<BrokerNode> Nodes => BrokerNode.ParseList(Host, Port);

    /// <summary>
    /// A plain client connection to the same broker, for what MassTransit does not do (preparing queues): to the first
    /// node in <see cref="Nodes"/> that answers.
    /// </summary>
    public Task<IConnection> ConnectAsync(string purpose, CancellationToken cancellationToken) =>
        CreateConnectionFactory(purpose).CreateConnectionAsync(Nodes.Select(n => new AmqpTcpEndpoint(n.Host, n.Port)).ToList(), cancellationToken);

    private ConnectionFactory CreateConnectionFactory(string purpose) => new()
    {
        HostName = Nodes[0].Host,
        Port = Nodes[0].Port,
        VirtualHost = VirtualHost,
        UserName = Username,
        Password = Password,
        ClientProvidedName = $"{AppDomain.CurrentDomain.FriendlyName} {purpose}",
        RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
    };
}

/// <summary>The RabbitMQ queue types we support.</summary>
public enum QueueType
{
    Quorum,
    Classic,
}
