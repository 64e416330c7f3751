using System.Net;
using System.Net.Sockets;
using MassTransit;
using Npgsql;
using RabbitMQ.Client.Exceptions;

namespace Agents.ServiceDefaults.Redelivery;

/// <summary>
/// An exception that knows whether it is worth trying again later (a vendor's 5xx is, its 422 is not): its answer is
/// taken as given, whatever it wraps. Lets a service's own failures take part in <see cref="TransientFailures"/>.
/// </summary>
public interface IRetryableFailure
{
    bool Retryable { get; }
}

/// <summary>
/// Which failures a message is redelivered for once its in-memory retries ran out: those that end by themselves
/// when a server comes back. Everything else is a fault in the message or the code, which waiting will not mend; it
/// goes to <c>_error</c> at once rather than looping for a day.
/// <list type="bullet">
/// <item>PostgreSQL unreachable, restarting, out of connections or resources, a serialization failure or deadlock
/// (Npgsql's own <see cref="NpgsqlException.IsTransient"/>), and our own timeouts cutting in: a statement cancelled
/// by <c>statement_timeout</c> (57014), a lock not granted within <c>lock_timeout</c> (55P03), a session ended by
/// <c>idle_in_transaction_session_timeout</c> (25P03).</item>
/// <item>No primary among the hosts of a multi-host connection string (<c>Target Session Attributes=primary</c>): a
/// failover in progress, over once the standby is promoted; Npgsql says so without a cause once it remembers the old
/// primary as offline.</item>
/// <item>The broker unreachable or the connection lost, a publish not confirmed, a request unanswered in time, a
/// mandatory publish returned because no queue is bound yet (the consumer's service is starting).</item>
/// <item>Timeouts and lost connections of any kind; HTTP without an answer, or answered 408, 429 or 5xx.</item>
/// <item>An <see cref="IRetryableFailure"/> that says so.</item>
/// </list>
/// Not transient: validation and parsing errors, a vendor's other 4xx, a constraint a row violates (23xxx), an
/// unknown column (42xxx), a saga event the state does not handle, and anything not listed.
/// </summary>
public static class TransientFailures
{
    /// <summary>idle_in_transaction_session_timeout ended the session (Npgsql has no constant for it).</summary>
    public const string IdleInTransactionSessionTimeout = "25P03";

    /// <summary>True when <paramref name="exception"/>, or what it wraps, is transient (the outermost with an opinion decides).</summary>
    public static bool IsTransient(Exception exception)
    {
        var pending = new Stack<Exception>();
        pending.Push(exception);
        while (pending.TryPop(out var current))
        {
            if (current is IRetryableFailure failure)
            {
                if (failure.Retryable)
                    return true;
                continue; // its answer stands for what it wraps
            }
            if (IsTransientItself(current))
                return true;
            if (current is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions)
                    pending.Push(inner);
            else if (current.InnerException is { } wrapped)
                pending.Push(wrapped);
        }
        return false;
    }

    /// <summary>Npgsql's words when none of several hosts is of the kind asked for (it has no type or code of its own).</summary>
    private static bool IsNoSuitableHost(NpgsqlException exception) =>
        exception is not PostgresException && exception.Message.StartsWith("No suitable host", StringComparison.Ordinal);

    private static bool IsTransientItself(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.IsTransient || postgres.SqlState is PostgresErrorCodes.QueryCanceled
            or PostgresErrorCodes.LockNotAvailable or IdleInTransactionSessionTimeout,
        NpgsqlException npgsql => npgsql.IsTransient || IsNoSuitableHost(npgsql),
        HttpRequestException http => http.StatusCode is not { } status
            || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500,
        BrokerUnreachableException or AlreadyClosedException or OperationInterruptedException or ConnectFailureException => true,
        ConnectionException or RequestTimeoutException or MessageNotAcknowledgedException or MessageReturnedException => true,
        TimeoutException or IOException or SocketException => true,
        // Not the consumer's own token (the retry filter passes shutdown through untouched): some call gave up waiting.
        OperationCanceledException => true,
        _ => false,
    };
}
