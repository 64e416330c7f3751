using Agents.Classifier.Pipeline;
using Agents.Contracts;
using Microsoft.Extensions.Options;

namespace Agents.Classifier.Drafting.Tools;

/// <summary>The tools a draft may use: those the configuration enables and the permissions file grants.</summary>
public sealed class DraftToolbox(IEnumerable<IDraftTool> tools, ToolGrants grants, IOptions<ClassifierOptions> options)
{
    // Granted, and able to read for some source: a CRM tool without a configured CRM is offered to no ticket.
    private readonly IDraftTool[] _granted = tools.Where(t => grants.Allows(t.Permission) && t.Sources is not { Count: 0 }).ToArray();

    /// <summary>The names of the tools offered to drafts (for the startup report and the replay).</summary>
    public IReadOnlyList<string> Offered => options.Value.Drafts.Tools.Enabled ? _granted.Select(t => t.Name).ToList() : [];

    /// <summary>The exchange of one draft, bound to <paramref name="ticket"/>, or null when no tool is offered for it.</summary>
    public DraftExchange? For(TicketReceived ticket, StepRecorder steps)
    {
        var offered = _granted.Where(t => t.Sources is null || t.Sources.Contains(ticket.Source)).ToArray();
        return options.Value.Drafts.Tools.Enabled && offered.Length > 0
            ? new DraftExchange(ticket, offered, options.Value.Drafts.Tools, steps)
            : null;
    }
}
