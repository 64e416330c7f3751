using Agents.Writer;

var app = WriterService.Build(args);
await WriterService.RunAsync(app);
