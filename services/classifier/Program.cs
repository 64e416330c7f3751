using Agents.Classifier;

await ClassifierService.Build(args).RunAsync();
