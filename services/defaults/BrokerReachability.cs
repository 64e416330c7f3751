using System.Net.Sockets;

namespace Agents.ServiceDefaults;

/// <summary>
/// Whether any of the broker's nodes accepts a TCP connection now. MassTransit's bus check stays healthy for a bus
/// without consumers (ingest's) while its connection is gone, so this is what tells "the broker is away" from "the
/// broker is there and our sends still fail".
/// </summary>
public static class BrokerReachability
{
    public static async Task<bool> AnyAnswersAsync(IReadOnlyList<BrokerNode> nodes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var attempts = nodes.Select(n => AnswersAsync(n, deadline.Token)).ToList();
        try
        {
            while (attempts.Count > 0)
            {
                var answered = await Task.WhenAny(attempts);
                if (await answered)
                    return true;
                attempts.Remove(answered);
            }
            return false;
        }
        finally
        {
            await deadline.CancelAsync(); // the other attempts need not finish
        }
    }

    private static async Task<bool> AnswersAsync(BrokerNode node, CancellationToken cancellationToken)
    {
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(node.Host, node.Port, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
