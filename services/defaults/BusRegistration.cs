using Agents.ServiceDefaults.Consuming;
using Agents.ServiceDefaults.Publishing;
using Agents.ServiceDefaults.Queues;
using Agents.ServiceDefaults.Redelivery;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Agents.ServiceDefaults;

public static class BusRegistration
{
    /// <summary>
    /// MassTransit on RabbitMQ with the settings every service shares: kebab-case endpoints, publisher confirms, queues
    /// of the configured type (quorum by default) prepared before the bus starts, a short in-memory retry, and after it
    /// a durable redelivery through the broker's delay queues for transient failures.
    /// </summary>
    public static IHostApplicationBuilder AddAgentsBus(this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator> registerConsumers,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureBus = null)
    {
        builder.Services.Configure<RabbitMqOptions>(builder.Configuration.GetSection(RabbitMqOptions.Section));
        builder.Services.Configure<RedeliverySchedule>(builder.Configuration.GetSection(RedeliverySchedule.Section));
        builder.Services.AddSingleton<RedeliveryMetrics>();
        builder.Services.AddSingleton<EndpointQueues>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new PublishingStall(sp.GetRequiredService<IOptions<RabbitMqOptions>>().Value.StopWhenPublishingStalledFor));
        builder.Services.AddSingleton<PublishingStallObserver>();
        builder.Services.AddSingleton<SupervisorExit>();
        builder.Services.AddSingleton<BrokerAlarm>();
        builder.Services.AddHostedService<PublishingStallGuard>();
        builder.Services.AddSingleton(sp => new HeldMessages(sp.GetRequiredService<IOptions<RabbitMqOptions>>().Value.StopWhenMessageHeldFor,
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddHostedService<HeldMessagesGuard>();
        builder.Services.AddSingleton(sp => new UnconfirmedSends(sp.GetRequiredService<IOptions<RabbitMqOptions>>().Value.StopWhenSendUnconfirmedFor,
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddHostedService<UnconfirmedSendsGuard>();
        builder.Services.AddSingleton(sp => new QueuePreparation(sp.GetRequiredService<EndpointQueues>(),
            sp.GetRequiredService<IOptions<RabbitMqOptions>>().Value, sp.GetRequiredService<IOptions<RedeliverySchedule>>().Value,
            sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<ILogger<QueuePreparation>>(), sp.GetServices<RetiredBinding>().ToList()));
        builder.Services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            // Every endpoint, outermost first:
            // 1. Its queue (and _error queue) of the configured type (QueueArguments), and the way back from the
            //    delay queues (OwnedQueue.RedeliveryExchange, routing key = the queue's name).
            // 2. Durable redelivery: a message still failing on a transient fault (TransientFailures) after the
            //    in-memory retries waits in the broker's delay queues (10 s, 1 min, 5 min, then every 10 min for a day
            //    by default) and comes back; other faults and the end of the schedule go to _error.
            // 3. An in-memory retry that starts fast, for the saga's first-copy race, and lasts ~19 s in all, so a
            //    PostgreSQL restart is ridden out without a trip through the broker (RedeliverySchedule.Retries).
            // 4. Messages a consumer sends are held until it succeeds, so a retried attempt does not publish twice.
            x.AddConfigureEndpointsCallback((context, name, endpoint) =>
            {
                var options = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                {
                    if (options.QueueType == QueueType.Quorum)
                        rabbit.SetQuorumQueue();
                    foreach (var (key, value) in QueueArguments.ForEndpoint(options, name))
                        rabbit.SetQueueArgument(key, value!);
                    var back = OwnedQueue.ReturnFromDelay(name);
                    rabbit.Bind(back.Exchange, b =>
                    {
                        b.ExchangeType = back.ExchangeType;
                        b.RoutingKey = back.RoutingKey;
                    });
                    context.GetRequiredService<EndpointQueues>().Add(name);
                }
                var schedule = context.GetRequiredService<IOptions<RedeliverySchedule>>().Value;
                endpoint.UseDelayQueueRedelivery(schedule, options,
                    context.GetRequiredService<RedeliveryMetrics>(), context.GetRequiredService<ILoggerFactory>().CreateLogger("Agents.Redelivery"));
                endpoint.UseMessageRetry(r => r.Intervals(schedule.EffectiveRetries.ToArray()));
                endpoint.UseInMemoryOutbox(context);
            });
            registerConsumers(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                var options = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                var nodes = options.Nodes;
                cfg.Host(nodes[0].Host, nodes[0].Port, options.VirtualHost, h =>
                {
                    // A cluster: MassTransit connects to one node at a time and, when it loses that connection, tries
                    // the next in turn; quorum queues keep their messages on the others.
                    if (nodes.Count > 1)
                        h.UseCluster(c => nodes.ToList().ForEach(n => c.Node(n.ToString())));
                    h.Username(options.Username);
                    h.Password(options.Password);
                    // 202 means "the broker has it": never answer before the confirm.
                    h.PublisherConfirmation = true;
                    h.RequestedConnectionTimeout(TimeSpan.FromSeconds(5));
                    h.ContinuationTimeout(options.ContinuationTimeout);
                });
                cfg.ConcurrentMessageLimit = options.ConcurrentMessageLimit;
                // Always set: MassTransit derives the prefetch from a limit set on an endpoint's definition only. With
                // the limit set here, for the bus, an endpoint kept MassTransit's default prefetch (16 on up to 8
                // cores), and the broker never handed it more than 16 messages, whatever the limit (issue #18).
                cfg.PrefetchCount = options.EffectivePrefetchCount;
                // MassTransit gives _error and _skipped queues their endpoint's arguments; they keep its type only.
                cfg.SendTopology.ConfigureErrorSettings = StripDeadLettering;
                cfg.SendTopology.ConfigureDeadLetterSettings = StripDeadLettering;
                cfg.ConnectBusObserver(context.GetRequiredService<QueuePreparation>());
                cfg.UseConsumeFilter(typeof(MessageLogScopeFilter<>), context);
                var stall = context.GetRequiredService<PublishingStallObserver>();
                cfg.ConnectSendObserver(stall);
                cfg.ConnectPublishObserver(stall);
                cfg.ConnectReceiveObserver(context.GetRequiredService<HeldMessages>());
                var unconfirmed = context.GetRequiredService<UnconfirmedSends>();
                cfg.ConnectSendObserver(unconfirmed);
                cfg.ConnectPublishObserver(unconfirmed);
                configureBus?.Invoke(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            // Start serving HTTP (health, 503s) even while the broker is unreachable.
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return builder;
    }

    private static void StripDeadLettering(IRabbitMqQueueBindingConfigurator queue)
    {
        foreach (var key in QueueArguments.NotForDeadLetterQueues)
            queue.SetQueueArgument(key, null);
    }
}
