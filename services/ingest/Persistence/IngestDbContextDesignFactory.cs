using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Agents.Ingest.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the service.</summary>
public sealed class IngestDbContextDesignFactory : IDesignTimeDbContextFactory<IngestDbContext>
{
    public IngestDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<IngestDbContext>();
        IngestDbContext.Configure(options, "Host=localhost;Database=design");
        return new IngestDbContext(options.Options);
    }
}
