using System.CommandLine;

namespace Agents.Cli.Api;

/// <summary>
/// One verb's call to its service: the token and URL checked before anything is sent (2 when missing or unusable),
/// the work done, and a service that cannot be reached said in a sentence (1), not as a stack trace.
/// </summary>
public static class ApiCall
{
    public delegate Task<int> Work(ServiceApi api, CliOutput output, CancellationToken cancellationToken);

    /// <summary>A verb's action: <paramref name="work"/> against <paramref name="connection"/>.</summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Action(ServiceConnection connection, Func<ParseResult, Work> work) =>
        (result, cancellationToken) => RunAsync(result, connection, work(result), cancellationToken);

    private static async Task<int> RunAsync(ParseResult result, ServiceConnection connection, Work work, CancellationToken cancellationToken)
    {
        var output = new CliOutput(result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, connection.Service);
        var (token, missing) = connection.TokenFor(result);
        var (baseUrl, unusable) = connection.BaseUrlFor(result);
        if ((missing ?? unusable) is { } problem)
        {
            output.Error(problem);
            return 2;
        }
        using var api = new ServiceApi(baseUrl!, token!);
        try
        {
            return await work(api, output, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            output.Error($"Cannot reach {connection.Service} at {baseUrl}: {e.Message}; is it running (scripts/run)?");
            return 1;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            output.Error($"{connection.Service} at {baseUrl} did not answer within 30 s.");
            return 1;
        }
    }
}
