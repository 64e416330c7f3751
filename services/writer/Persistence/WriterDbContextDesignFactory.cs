using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Agents.Writer.Persistence;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the service.</summary>
public sealed class WriterDbContextDesignFactory : IDesignTimeDbContextFactory<WriterDbContext>
{
    public WriterDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<WriterDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
