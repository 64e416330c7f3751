namespace Agents.Contracts;

/// <summary>
/// The CRM writes one ticket leads to, in one message: the writer holds them in one transaction, each exactly as its
/// own <see cref="ProposeWrite"/> would be held (the same keys, policy, bulk guard and audit). One message and one
/// commit for a ticket's writes instead of one each. A writer that cannot hold them together (a retried or oversized
/// message, a write named twice) sends each on as its own <see cref="ProposeWrite"/>.
/// </summary>
public record ProposeWrites
{
    public required IReadOnlyList<ProposeWrite> Writes { get; init; }
}
