namespace Agents.Bench;

/// <summary>
/// What every benchmark gets: whether the run is a quick one. The servers come from the harness, as the tests' do
/// (<c>Agents.Harness.TestServers</c>: the <c>AGENTS_TEST_*</c> variables, else throwaway containers where Docker runs),
/// through each benchmark's own virtual host and database.
/// </summary>
public sealed record BenchContext(bool Quick);
