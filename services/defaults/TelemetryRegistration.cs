using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Agents.ServiceDefaults;

public static class TelemetryRegistration
{
    /// <summary>
    /// Traces, metrics and logs through OpenTelemetry: OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (standard
    /// variables), otherwise console exporters only when Telemetry:Console is true (they are noisy). With neither,
    /// spans are not recorded, only propagated (<see cref="TraceContextPropagation"/>). Health is logged once per
    /// change of a check's status, not per probe (<see cref="HealthTransitionLog"/>).
    /// </summary>
    public static IHostApplicationBuilder AddAgentsTelemetry(this IHostApplicationBuilder builder, string serviceName,
        params string[] meters)
    {
        builder.Logging.ClearProviders();
        // One short line per entry by default (CompactConsoleFormatter); Logging:Console:FormatterName=json gives the
        // JSON with scopes instead, for a collector that parses stdout.
        builder.Logging.AddConsole(o => o.FormatterName = CompactConsoleFormatter.Name)
            .AddConsoleFormatter<CompactConsoleFormatter, ConsoleFormatterOptions>();
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        builder.Services.Configure<ConsoleLoggerOptions>(builder.Configuration.GetSection("Logging:Console"));
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.AddAgentsHealthLog();

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var console = builder.Configuration.GetValue<bool>("Telemetry:Console");

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId));
        if (otlp || console)
            otel.WithTracing(t =>
            {
                t.AddSource("MassTransit", AgentsTelemetry.ActivitySourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation()
                    .AddSource("Npgsql"); // Npgsql emits its command spans on this source
                if (console) t.AddConsoleExporter();
            });
        else
            // Nothing exports spans: record none (their tags and timings cost every request), but keep the trace
            // context flowing across HTTP and the broker, so the log lines of one ticket still share a trace id.
            builder.Services.AddHostedService<TraceContextPropagation>();
        otel
            .WithMetrics(m =>
            {
                m.AddMeter("MassTransit", Redelivery.RedeliveryMetrics.MeterName).AddMeter(meters)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
                if (console) m.AddConsoleExporter();
            })
            .WithLogging(l =>
            {
                if (console) l.AddConsoleExporter();
            });
        if (otlp) otel.UseOtlpExporter();
        return builder;
    }
}
