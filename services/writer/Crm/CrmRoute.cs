namespace Agents.Writer.Crm;

/// <summary>Where one write goes: an adapter, or the reason it has nowhere to go.</summary>
public sealed record CrmRoute(ICrmAdapter? Adapter, string? Refusal);
