using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Agents.Harness;
using Agents.ServiceDefaults.Redelivery;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Agents.ServiceDefaults.Tests;

/// <summary>Which failures wait in the delay queues and come back, and which go to _error at once.</summary>
public class TransientFailuresTests
{
    private static IEnumerable<TestCaseData> Transient()
    {
        yield return Case(new NpgsqlException("Exception while connecting", new SocketException((int)SocketError.ConnectionRefused)), "PostgreSQL unreachable");
        yield return Case(new NpgsqlException("Exception while reading from stream", new IOException("connection reset")), "connection lost");
        yield return Case(new NpgsqlException("The connection pool has been exhausted", new TimeoutException()), "pool exhausted");
        yield return Case(Postgres(PostgresErrorCodes.AdminShutdown), "server shutting down (57P01)");
        yield return Case(Postgres(PostgresErrorCodes.CannotConnectNow), "server starting (57P03)");
        yield return Case(Postgres(PostgresErrorCodes.TooManyConnections), "too many connections (53300)");
        yield return Case(Postgres(PostgresErrorCodes.SerializationFailure), "serialization failure (40001)");
        yield return Case(Postgres(PostgresErrorCodes.DeadlockDetected), "deadlock (40P01)");
        yield return Case(Postgres(PostgresErrorCodes.QueryCanceled), "statement_timeout (57014)");
        yield return Case(Postgres(PostgresErrorCodes.LockNotAvailable), "lock_timeout (55P03)");
        yield return Case(Postgres(TransientFailures.IdleInTransactionSessionTimeout), "idle_in_transaction_session_timeout (25P03)");
        yield return Case(new DbUpdateException("saving", Postgres(PostgresErrorCodes.AdminShutdown)), "EF wrapping a transient cause");
        yield return Case(new InvalidOperationException("An exception has been raised that is likely due to a transient failure.",
            new NpgsqlException("Exception while connecting", new SocketException())), "EF's execution strategy");
        yield return Case(new AggregateException(new ArgumentException("other"), new TimeoutException()), "one of several is transient");
        yield return Case(new TimeoutException(), "a timeout");
        yield return Case(new TaskCanceledException("HttpClient.Timeout", new TimeoutException()), "an HTTP client timeout");
        yield return Case(new HttpRequestException("no answer", new SocketException()), "HTTP without an answer");
        yield return Case(new HttpRequestException("busy", null, HttpStatusCode.TooManyRequests), "HTTP 429");
        yield return Case(new HttpRequestException("timeout", null, HttpStatusCode.RequestTimeout), "HTTP 408");
        yield return Case(new HttpRequestException("down", null, HttpStatusCode.BadGateway), "HTTP 502");
        yield return Case(new HttpRequestException("error", null, HttpStatusCode.InternalServerError), "HTTP 500");
        yield return Case(new RabbitMQ.Client.Exceptions.AlreadyClosedException(new RabbitMQ.Client.Events.ShutdownEventArgs(
            RabbitMQ.Client.ShutdownInitiator.Peer, 320, "CONNECTION_FORCED")), "broker connection closed");
        yield return Case(new RequestTimeoutException("req"), "a request unanswered");
        yield return Case(new MessageReturnedException("The message was returned by RabbitMQ"), "a mandatory publish no queue took (yet)");
        yield return Case(new VendorFailure(true), "a failure that says it is retryable");
    }

    private static IEnumerable<TestCaseData> Permanent()
    {
        yield return Case(new ArgumentException("bad value"), "validation");
        yield return Case(new FormatException("bad format"), "parsing");
        yield return Case(new JsonException("bad json"), "a body that is not JSON");
        yield return Case(new InvalidOperationException("a bug"), "a plain bug");
        yield return Case(Postgres(PostgresErrorCodes.UniqueViolation), "a unique key violated (23505)");
        yield return Case(Postgres(PostgresErrorCodes.UndefinedColumn), "an unknown column (42703)");
        yield return Case(new DbUpdateException("saving", Postgres(PostgresErrorCodes.ForeignKeyViolation)), "EF wrapping a constraint (23503)");
        yield return Case(new HttpRequestException("refused", null, HttpStatusCode.UnprocessableEntity), "HTTP 422");
        yield return Case(new HttpRequestException("missing", null, HttpStatusCode.NotFound), "HTTP 404");
        yield return Case(new VendorFailure(false, new TimeoutException()), "a failure that says it is not retryable, whatever it wraps");
    }

    [TestCaseSource(nameof(Transient))]
    public void Transient_failures_are_redelivered(Exception exception) =>
        Assert.That(TransientFailures.IsTransient(exception), Is.True);

    [TestCaseSource(nameof(Permanent))]
    public void Permanent_failures_go_to_error(Exception exception) =>
        Assert.That(TransientFailures.IsTransient(exception), Is.False);

    /// <summary>
    /// Between a primary's loss and its standby's promotion, a connection string listing both with
    /// <c>Target Session Attributes=primary</c> finds no primary, and Npgsql says so with an exception that wraps
    /// nothing once it remembers the old primary as offline (seen in a real failover). The failover ends by itself,
    /// often later than the in-memory retries (an HA manager waits out its leader lease first), so the messages must
    /// wait in the delay queues, not go to _error. Here the mirror image on the test's server, a primary: asked for a
    /// standby, it is the same exception from the same code.
    /// </summary>
    [Test]
    public async Task No_host_of_the_kind_asked_for_a_failover_in_progress_is_transient()
    {
        var servers = await TestServers.GetAsync();
        var settings = new NpgsqlConnectionStringBuilder(servers.PostgresAdminConnectionString);
        settings.Host = $"{settings.Host}:{settings.Port},{settings.Host}:{settings.Port}";
        settings.TargetSessionAttributes = "standby";
        await using var source = NpgsqlDataSource.Create(settings);
        var e = await Assert.ThrowsAsync<NpgsqlException>(async () => await source.OpenConnectionAsync());
        Assert.Multiple(() =>
        {
            Assert.That(e!.Message, Does.Contain("suitable host"), "the exception of a multi-host connection finding no host of its kind");
            Assert.That(TransientFailures.IsTransient(e), Is.True);
        });
    }

    private static TestCaseData Case(Exception exception, string name) => new TestCaseData(exception).SetArgDisplayNames(name);

    private static PostgresException Postgres(string sqlState) => new("message", "ERROR", "ERROR", sqlState);

    private sealed class VendorFailure(bool retryable, Exception? inner = null) : Exception("vendor", inner), IRetryableFailure
    {
        public bool Retryable { get; } = retryable;
    }
}
