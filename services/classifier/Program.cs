using Agents.Classifier;
using Agents.ServiceDefaults.Publishing;

return await ServiceExit.RunAsync(ClassifierService.Build(args), app => ClassifierService.RunAsync(app));
