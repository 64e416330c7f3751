using Agents.Ingest;
using Agents.ServiceDefaults.Publishing;
using Microsoft.Extensions.DependencyInjection;

var app = IngestService.Build(args);
// Taken before the run: the host disposes its services when it stops.
var stall = app.Services.GetRequiredService<PublishingStall>();
await IngestService.RunAsync(app);
// 75 after the instance stopped itself because its publishing stalled: for the supervisor that starts it again.
return stall.ExitCode;
