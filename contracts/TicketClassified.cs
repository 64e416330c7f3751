namespace Agents.Contracts;

/// <summary>The classifier's verdict on one ticket.</summary>
public record TicketClassified
{
    public required string Source { get; init; }
    public required string ExternalId { get; init; }
    public required Classification Classification { get; init; }
}

public record Classification
{
    public required string Category { get; init; }

    /// <summary>low, medium, high or urgent.</summary>
    public required string Priority { get; init; }

    /// <summary>negative, neutral or positive.</summary>
    public required string Sentiment { get; init; }

    /// <summary>ISO 639-1.</summary>
    public required string Language { get; init; }

    public required double Confidence { get; init; }
    public string Reason { get; init; } = "";
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>"llm" or "rules".</summary>
    public required string ClassifiedBy { get; init; }
}
