using Agents.Contracts;

namespace Agents.Writer.Crm;

/// <summary>
/// Applies approved writes to one CRM. An adapter says which tickets it can write to (its vendor's own source; the
/// journal any) and which writes it can apply, so that a write with nowhere to go is refused when it is proposed,
/// never applied to a record of another system that happens to have the same id. Write kinds are an open set: a new
/// kind (an internal note, a reply) is a new case in the adapters that can apply it and nothing else changes here.
/// <see cref="ApplyAsync"/> must be idempotent by the write's key: after a crash between the CRM call and recording
/// the result, the same write is applied again.
/// </summary>
public interface ICrmAdapter
{
    /// <summary>The name routes use (<c>Writer:Crm:Routes:{source}</c>).</summary>
    string Name { get; }

    /// <summary>The ticket sources whose records live in this CRM; null: any source (the journal writes nowhere outside).</summary>
    IReadOnlySet<string>? Sources { get; }

    /// <summary>What this adapter lacks to work at all (credentials, an address), or null; checked at start for every routed adapter.</summary>
    string? MissingSettings { get; }

    /// <summary>Why this adapter cannot apply a write of <paramref name="kind"/> to ticket <paramref name="externalId"/>, or null when it can.</summary>
    string? CannotApply(string kind, string externalId);

    Task ApplyAsync(ApplyWrite write, CancellationToken cancellationToken);
}
