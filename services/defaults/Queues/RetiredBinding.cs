namespace Agents.ServiceDefaults.Queues;

/// <summary>
/// A binding an earlier version of a service made and this one no longer wants: MassTransit adds the bindings an
/// endpoint's consumers need but never removes one, so a message type an endpoint stopped consuming would keep
/// arriving in its queue (and be moved to <c>_skipped</c>). <see cref="QueuePreparation"/> removes each before the bus
/// starts. Exchange to exchange, as MassTransit binds a message type's exchange to an endpoint's.
/// </summary>
public sealed record RetiredBinding(string SourceExchange, string DestinationExchange);
