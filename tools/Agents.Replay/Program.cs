using Agents.Replay;

// replay --input FILE (json or csv) [--dry-run] [--rows FROM-TO] [--limit N] [--report FILE.md] [--ingest URL] …
// (replay --help lists them; the agents tool runs the same command as `agents replay`).
return await CommandLineExit.RunAsync(ReplayCommand.Root(ReplayCommand.DefaultConfiguration), args);
