namespace Agents.Classifier.Persistence;

/// <summary>Where a ticket's steps go once it is handled.</summary>
public interface IStepLog
{
    Task WriteAsync(IReadOnlyList<TicketStep> steps, CancellationToken cancellationToken);
}

public sealed class PostgresStepLog(Microsoft.EntityFrameworkCore.IDbContextFactory<ClassifierDbContext> dbFactory) : IStepLog
{
    public async Task WriteAsync(IReadOnlyList<TicketStep> steps, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Steps.AddRange(steps);
        await db.SaveChangesAsync(cancellationToken);
    }
}
