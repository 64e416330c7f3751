using Agents.Classifier;

var app = ClassifierService.Build(args);
await ClassifierService.RunAsync(app);
