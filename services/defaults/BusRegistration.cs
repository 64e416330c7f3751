using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Agents.ServiceDefaults;

public static class BusRegistration
{
    /// <summary>
    /// MassTransit on RabbitMQ with the settings every service shares: kebab-case endpoints, publisher confirms,
    /// a short in-memory retry (the broker has no delayed-exchange plugin, so no delayed redelivery).
    /// </summary>
    public static IHostApplicationBuilder AddAgentsBus(this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator> registerConsumers,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureBus = null)
    {
        builder.Services.Configure<RabbitMqOptions>(builder.Configuration.GetSection(RabbitMqOptions.Section));
        builder.Services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            // Every endpoint: an in-memory retry (no delayed redelivery without the broker plugin) that starts fast,
            // for the saga's first-copy race, and lasts ~19 s in all, so a PostgreSQL restart is ridden out instead
            // of sending messages to _error. Messages a consumer sends are held until it succeeds, so a retried
            // attempt does not publish twice.
            x.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                endpoint.UseMessageRetry(r => r.Intervals(50, 200, 500, 1000, 2000, 5000, 10000));
                endpoint.UseInMemoryOutbox(context);
            });
            registerConsumers(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                var options = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                cfg.Host(options.Host, options.Port, options.VirtualHost, h =>
                {
                    h.Username(options.Username);
                    h.Password(options.Password);
                    // 202 means "the broker has it": never answer before the confirm.
                    h.PublisherConfirmation = true;
                    h.RequestedConnectionTimeout(TimeSpan.FromSeconds(5));
                });
                cfg.ConcurrentMessageLimit = options.ConcurrentMessageLimit;
                cfg.UseConsumeFilter(typeof(MessageLogScopeFilter<>), context);
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
}
