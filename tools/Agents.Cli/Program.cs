using Agents.Cli;
using Agents.Replay;

// agents replay|approvals|quarantine|steps … (agents --help, agents <verb> --help)
return await CommandLineExit.RunAsync(AgentsCommand.Create(CliEnvironment.Process), args);
