using Agents.ServiceDefaults.Publishing;
using Agents.Writer;
using Microsoft.Extensions.DependencyInjection;

var app = WriterService.Build(args);
// Taken before the run: the host disposes its services when it stops.
var stall = app.Services.GetRequiredService<PublishingStall>();
await WriterService.RunAsync(app);
// 75 after the instance stopped itself because its publishing stalled: for the supervisor that starts it again.
return stall.ExitCode;
