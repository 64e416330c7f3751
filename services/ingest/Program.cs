using Agents.Ingest;

await IngestService.Build(args).RunAsync();
