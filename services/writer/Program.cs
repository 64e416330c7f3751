using Agents.ServiceDefaults.Publishing;
using Agents.Writer;

return await ServiceExit.RunAsync(WriterService.Build(args), app => WriterService.RunAsync(app));
