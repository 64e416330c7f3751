using Agents.ServiceDefaults.Publishing;
using Agents.Writer;
using Microsoft.Extensions.DependencyInjection;

var app = WriterService.Build(args);
await WriterService.RunAsync(app);
// 75 after the instance stopped itself because its publishing stalled: for the supervisor that starts it again.
return app.Services.GetRequiredService<PublishingStall>().ExitCode;
