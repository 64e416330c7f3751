using Agents.Ingest;
using Agents.ServiceDefaults.Publishing;

return await ServiceExit.RunAsync(IngestService.Build(args), app => IngestService.RunAsync(app));
