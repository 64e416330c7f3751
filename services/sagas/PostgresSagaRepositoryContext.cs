using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace Agents.Sagas.Postgres;

/// <summary>
/// One message's view of the saga table, inside the transaction the factory opened on the message scope's DbContext:
/// activities that resolve the same scoped DbContext add rows (the audit trail) that commit atomically with the saga's
/// new state.
/// </summary>
public sealed class PostgresSagaRepositoryContext<TSaga, TMessage> :
    ConsumeContextScope<TMessage>,
    SagaRepositoryContext<TSaga, TMessage>,
    IDisposable
    where TSaga : class, ISaga
    where TMessage : class
{
    private readonly DbContext _db;
    private readonly ISagaConsumeContextFactory<DbContext, TSaga> _factory;
    private readonly SemaphoreSlim _inUse = new(1); // EF contexts are not thread-safe; MassTransit may overlap calls
    private readonly SagaRow<TSaga> _row;
    private ISagaReadAhead<TMessage>? _readAhead; // sent with the first lock only
    private readonly bool _insertAtCommit;
    private bool _insertPending;

    /// <param name="insertAtCommit">
    /// The message is correlated with one instance (<c>Send</c>): a new instance's <see cref="Save"/> is the last thing
    /// its pipe asks of the repository (MassTransit calls <c>Discard</c> instead when the behaviour threw), so its
    /// INSERT can wait for <see cref="SaveAndCommitAsync"/> and go to the server with the COMMIT. A query-correlated
    /// message (<c>SendQuery</c>) saves several instances, each as soon as its behaviour ran.
    /// </param>
    public PostgresSagaRepositoryContext(DbContext db, ConsumeContext<TMessage> context, ISagaConsumeContextFactory<DbContext, TSaga> factory,
        ISagaReadAhead<TMessage>? readAhead = null, bool insertAtCommit = false)
        : base(context)
    {
        _db = db;
        _factory = factory;
        _row = SagaRow<TSaga>.For(db);
        _readAhead = readAhead;
        _insertAtCommit = insertAtCommit;
    }

    public void Dispose() => _inUse.Dispose();

    /// <summary>
    /// Loads and row-locks one saga, tracked by the context as a tracking query would leave it (an instance the context
    /// tracks already is returned as it is); null when it does not exist.
    /// </summary>
    internal async Task<TSaga?> LockAsync(Guid correlationId)
    {
        if (_db.ChangeTracker.Entries<TSaga>().FirstOrDefault(e => e.Entity.CorrelationId == correlationId) is { } tracked)
            return tracked.Entity;
        var ahead = _readAhead;
        _readAhead = null;
        var message = Message;
        var instance = await _row.LockAsync(_db, correlationId,
            ahead is null ? null : (command => ahead.Prepare(message, command), ahead.ReadAsync), CancellationToken);
        if (instance is null)
            return null;
        _db.Attach(instance);
        return instance;
    }

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        _factory.CreateSagaConsumeContext(_db, this, instance, SagaConsumeContextMode.Add);

    // InsertOnInitial is not used: the primary key plus the endpoint's retry resolves the first-copy race.
    public Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance) =>
        throw new NotSupportedException("InsertOnInitial is not supported by this repository.");

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        var instance = await LockAsync(correlationId);
        return instance is null
            ? null!
            : await _factory.CreateSagaConsumeContext(_db, this, instance, SagaConsumeContextMode.Load);
    }

    public Task Save(SagaConsumeContext<TSaga> context) => Exclusive(async () =>
    {
        _db.Set<TSaga>().Add(context.Saga);
        if (_insertAtCommit)
            _insertPending = true;
        else
            await TrackedChanges.SaveAsync(_db, CancellationToken);
    }, context.CancellationToken);

    /// <summary>
    /// Saves a new instance whose INSERT waited (with what activities added beside it) and commits the message's
    /// transaction: in one round trip when the batch holds only INSERTs (<see cref="TrackedChanges.SaveAsync"/>),
    /// else the save and then <paramref name="transaction"/>'s own COMMIT.
    /// </summary>
    internal Task SaveAndCommitAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction) =>
        Exclusive(() => SagaTransactions.SaveAndCommitAsync(_db, transaction, saveFirst: _insertPending, CancellationToken), CancellationToken);

    public Task Update(SagaConsumeContext<TSaga> context) =>
        Exclusive(() => TrackedChanges.SaveAsync(_db, CancellationToken), context.CancellationToken);

    public Task Delete(SagaConsumeContext<TSaga> context) => Exclusive(async () =>
    {
        _db.Set<TSaga>().Remove(context.Saga);
        await TrackedChanges.SaveAsync(_db, CancellationToken);
    }, context.CancellationToken);

    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> context) => Exclusive(() =>
    {
        foreach (var entry in _db.ChangeTracker.Entries<TSaga>().Where(e => e.Entity.CorrelationId == context.Saga.CorrelationId))
            entry.State = EntityState.Unchanged;
        return Task.CompletedTask;
    }, context.CancellationToken);

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> consumeContext, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        _factory.CreateSagaConsumeContext(_db, consumeContext, instance, mode);

    private async Task Exclusive(Func<Task> action, CancellationToken cancellationToken)
    {
        await _inUse.WaitAsync(cancellationToken);
        try
        {
            await action();
        }
        finally
        {
            _inUse.Release();
        }
    }
}
