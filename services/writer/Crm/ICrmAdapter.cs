using Agents.Contracts;

namespace Agents.Writer.Crm;

/// <summary>
/// Applies one approved write to a CRM. Must be idempotent by <see cref="ApplyWrite.IdempotencyKey"/>: after a
/// crash between the CRM call and recording the result, the same write is applied again.
/// </summary>
public interface ICrmAdapter
{
    string Name { get; }
    Task ApplyAsync(ApplyWrite write, CancellationToken cancellationToken);
}
