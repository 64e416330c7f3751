namespace Agents.Crm.Policy;

/// <summary>
/// How the policy lets one write kind through (its <c>mode</c>): <see cref="Shadow"/> records proposals and compares
/// them with what people did, never shows or applies them; <see cref="Approve"/> holds each for a person;
/// <see cref="Auto"/> applies them, from the kind's confidence floor up when it has one.
/// </summary>
public enum WriteMode
{
    Shadow,
    Approve,
    Auto,
}

public static class WriteModes
{
    public static WriteMode Parse(string text) => text switch
    {
        "shadow" => WriteMode.Shadow,
        "approve" => WriteMode.Approve,
        "auto" => WriteMode.Auto,
        _ => throw new FormatException($"mode must be shadow, approve or auto, not '{text}'"),
    };

    public static string Name(this WriteMode mode) => mode.ToString().ToLowerInvariant();
}
