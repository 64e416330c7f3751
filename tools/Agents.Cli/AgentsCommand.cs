using System.CommandLine;
using Agents.Cli.Api;
using Agents.Cli.Approvals;
using Agents.Cli.Escalations;
using Agents.Cli.Quarantine;
using Agents.Cli.Steps;
using Agents.Replay;

namespace Agents.Cli;

/// <summary>
/// The <c>agents</c> tool: one verb per thing an operator does with curl today, each against its service's API with
/// a bearer token. A verb is a <see cref="Command"/> built from a <see cref="ServiceConnection"/> (base URL and token,
/// flags or environment) and <see cref="ApiCall"/> (request, answer, exit code, output).
/// </summary>
public static class AgentsCommand
{
    public static RootCommand Create(CliEnvironment environment)
    {
        var root = new RootCommand("""
            The operator's command line for Agents. Tokens come from --token or the environment (AGENTS_APPROVER_TOKEN for
            approvals and escalations, AGENTS_OPERATOR_TOKEN for quarantine and steps, AGENTS_TOKEN for either); base URLs from the
            verb's URL option or AGENTS_INGEST_URL, AGENTS_CLASSIFIER_URL, AGENTS_WRITER_URL (default: scripts/run's
            127.0.0.1:5001, :5002, :5003).
            """);
        root.Subcommands.Add(ReplayCommand.Verb(environment.ReplayConfiguration));
        root.Subcommands.Add(ApprovalsCommand.Create(ServiceConnection.Writer(environment)));
        root.Subcommands.Add(EscalationsCommand.Create(ServiceConnection.Writer(environment)));
        root.Subcommands.Add(QuarantineCommand.Create(ServiceConnection.Ingest(environment)));
        root.Subcommands.Add(StepsCommand.Create(ServiceConnection.Classifier(environment)));
        return root;
    }
}
