namespace Agents.Launcher;

/// <summary>The services the launcher can start, named as their folders under <c>services/</c>.</summary>
public enum ServiceKind
{
    Ingest,
    Classifier,
    Writer,
}

public static class ServiceKindExtensions
{
    /// <summary>Folder under <c>services/</c> (ingest) and assembly name (Agents.Ingest).</summary>
    public static string Folder(this ServiceKind kind) => kind.ToString().ToLowerInvariant();

    public static string AssemblyName(this ServiceKind kind) => $"Agents.{kind}";
}
