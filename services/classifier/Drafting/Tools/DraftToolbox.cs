using Agents.Classifier.Pipeline;
using Agents.Contracts;
using Microsoft.Extensions.Options;

namespace Agents.Classifier.Drafting.Tools;

/// <summary>The tools a draft may use: those the configuration enables and the permissions file grants.</summary>
public sealed class DraftToolbox(IEnumerable<IDraftTool> tools, ToolGrants grants, IOptions<ClassifierOptions> options)
{
    private readonly IDraftTool[] _granted = tools.Where(t => grants.Allows(t.Permission)).ToArray();

    /// <summary>The names of the tools offered to every draft (for the startup report and the replay).</summary>
    public IReadOnlyList<string> Offered => options.Value.Drafts.Tools.Enabled ? _granted.Select(t => t.Name).ToList() : [];

    /// <summary>The exchange of one draft, bound to <paramref name="ticket"/>, or null when no tool is offered.</summary>
    public DraftExchange? For(TicketReceived ticket, StepRecorder steps) =>
        options.Value.Drafts.Tools.Enabled && _granted.Length > 0
            ? new DraftExchange(ticket, _granted, options.Value.Drafts.Tools, steps)
            : null;
}
