using Agents.Classifier;
using Agents.Classifier.Persistence;
using Agents.Ingest;
using Agents.Ingest.Persistence;
using Agents.ServiceDefaults;
using Agents.Writer;
using Agents.Writer.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Agents.EndToEnd.Tests.Kubernetes;

/// <summary>One of our services as the manifests name it (its Deployment is named after the service), and how a test builds and migrates it.</summary>
public sealed record OurService(
    string Name,
    Func<string[], IReadOnlyDictionary<string, string?>, WebApplication> Build,
    Func<IServiceProvider, Task> Migrate)
{
    public static IReadOnlyList<OurService> All { get; } =
    [
        new(IngestService.Name, IngestService.Build, sp => DatabaseMigration.MigrateAsync<IngestDbContext>(sp)),
        new(ClassifierService.Name, ClassifierService.Build, sp => DatabaseMigration.MigrateAsync<ClassifierDbContext>(sp)),
        new(WriterService.Name, WriterService.Build, sp => DatabaseMigration.MigrateAsync<WriterDbContext>(sp)),
    ];

    public static OurService Named(string name) => All.Single(s => s.Name == name);

    /// <summary>The folder under services/ (agents-ingest → ingest).</summary>
    public string Folder => Name["agents-".Length..];

    /// <summary>The paths the service maps, read from the built application without starting it.</summary>
    public async Task<IReadOnlySet<string>> MappedPathsAsync()
    {
        await using var app = Build([], new Dictionary<string, string?> { ["ConnectionStrings:Db"] = "Host=unused" });
        return ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(d => d.Endpoints)
            .OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .ToHashSet();
    }

    public override string ToString() => Name;
}
