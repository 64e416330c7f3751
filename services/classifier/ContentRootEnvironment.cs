using Microsoft.Extensions.FileProviders;

namespace Agents.Classifier;

/// <summary>
/// A host environment rooted at the application's folder, for running the classifier's services outside a web host
/// (the replay tool, tests): the rules file is found there as in the service.
/// </summary>
public sealed class ContentRootEnvironment(string applicationName) : IHostEnvironment
{
    public string EnvironmentName { get; set; } = Environments.Production;
    public string ApplicationName { get; set; } = applicationName;
    public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
}
