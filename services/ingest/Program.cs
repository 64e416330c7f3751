using Agents.Ingest;

await IngestService.RunAsync(IngestService.Build(args));
