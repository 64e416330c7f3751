using Agents.Contracts;

namespace Agents.Classifier.Drafting;

/// <summary>
/// Drafted replies (<c>Classifier:Drafts</c>): for every confidently classified ticket, a reply text proposed as a write
/// a person approves (and may edit) before it reaches the CRM.
/// </summary>
public sealed class DraftOptions
{
    /// <summary>Whether tickets get a drafted reply at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The write a draft becomes: <c>add-note</c> (an internal note the agent can copy, the shipped choice) or
    /// <c>post-reply</c> (a public reply to the requester, once approved).
    /// </summary>
    public string Kind { get; set; } = WriteKinds.AddNote;

    /// <summary>
    /// Without an LLM answer (none configured, breaker open, the call failed or its draft was refused):
    /// <c>template</c> (the reviewed reply of the ticket's category and language) or <c>none</c> (no draft).
    /// </summary>
    public string Fallback { get; set; } = "template";

    /// <summary>The reviewed templates, per language and category.</summary>
    public string TemplatesFile { get; set; } = "reply-templates.json";

    public int MinChars { get; set; } = 40;

    public int MaxChars { get; set; } = 2000;

    /// <summary>The model's answer is cut off here (tokens); a longer draft fails the length check anyway.</summary>
    public int MaxOutputTokens { get; set; } = 700;

    /// <summary>
    /// Promises no draft may make (case-insensitive regular expressions, in every language of our tickets): refunds,
    /// compensation, guarantees, things for free. A draft matching one is refused, whoever wrote it. Patterns set in
    /// configuration (<c>Classifier:Drafts:ForbiddenPromises:N</c>) are added to these (the binder appends to a list), so
    /// a deployment can forbid more, never less.
    /// </summary>
    public List<string> ForbiddenPromises { get; set; } =
    [
        "\\brefund",
        "money back",
        "\\breimburs",
        "\\bcompensat",
        "\\bguarantee",
        "\\bfree of charge\\b",
        "erstatt",
        "gutschrift",
        "entschädig",
        "kostenlos",
        "reembols",
        "compensaci",
        "devolve\\w* (el|su|tu) dinero",
        "gratis",
        "rembours",
        "dédommag",
        "indemnis",
        "gratuit",
        "estorn",
        "indeniz",
        "devolver o (seu )?dinheiro",
        "de graça",
    ];

    /// <summary>The read-only tools the model may call while drafting, and the bounds of one draft's exchange.</summary>
    public Tools.DraftToolOptions Tools { get; set; } = new();

    public bool UsesTemplates => string.Equals(Fallback, "template", StringComparison.OrdinalIgnoreCase);
}
