using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Agents.Classifier.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the service.</summary>
public sealed class ClassifierDbContextDesignFactory : IDesignTimeDbContextFactory<ClassifierDbContext>
{
    public ClassifierDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ClassifierDbContext>()
            .UseNpgsql("Host=localhost;Database=design", ClassifierPersistence.Npgsql).Options);
}
