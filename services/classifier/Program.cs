using Agents.Classifier;
using Agents.ServiceDefaults.Publishing;
using Microsoft.Extensions.DependencyInjection;

var app = ClassifierService.Build(args);
await ClassifierService.RunAsync(app);
// 75 after the instance stopped itself because its publishing stalled: for the supervisor that starts it again.
return app.Services.GetRequiredService<PublishingStall>().ExitCode;
