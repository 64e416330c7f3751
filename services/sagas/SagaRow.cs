using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq.Expressions;
using System.Reflection;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Agents.Sagas.Postgres;

/// <summary>
/// The saga row's lock statement (SELECT … FOR UPDATE) and a reader that turns its row into a saga instance, both
/// built once per saga type from the EF model, so a mapping change cannot leave them behind. The row is read with a
/// plain command on the context's connection and transaction and then attached to the context, which tracks it as a
/// query would have: EF Core's query pipeline re-generated the FromSql statement's SQL for every message (its
/// parameters keep it out of EF's command cache) and was the largest part of loading a saga (bench/README.md, Saga).
/// </summary>
internal sealed class SagaRow<TSaga> where TSaga : class, ISaga
{
    private static readonly ConcurrentDictionary<Type, SagaRow<TSaga>> Cache = new();

    private static readonly MethodInfo GetFieldValue = typeof(DbDataReader).GetMethod(nameof(DbDataReader.GetFieldValue))!;
    private static readonly MethodInfo IsDbNull = typeof(DbDataReader).GetMethod(nameof(DbDataReader.IsDBNull))!;

    private readonly Func<DbDataReader, TSaga> _read;

    private SagaRow(string lockSql, Func<DbDataReader, TSaga> read)
    {
        LockSql = lockSql;
        _read = read;
    }

    /// <summary>SELECT every mapped column FOR UPDATE, the key as the positional parameter <c>$1</c>.</summary>
    private string LockSql { get; }

    /// <summary>
    /// Reads and row-locks one saga in the context's open transaction, untracked (the caller attaches it); null when
    /// it does not exist.
    /// </summary>
    public async Task<TSaga?> LockAsync(DbContext db, Guid correlationId, CancellationToken cancellationToken) =>
        await LockAsync(db, correlationId, null, cancellationToken);

    /// <summary>
    /// The same, with the message's read-ahead statement (<see cref="ISagaReadAhead{TMessage}"/>) in the same batch,
    /// after the lock: one round trip for both. <paramref name="readAhead"/>'s two halves are that interface's, bound
    /// to the message.
    /// </summary>
    public async Task<TSaga?> LockAsync(DbContext db, Guid correlationId,
        (Func<DbBatchCommand, bool> Prepare, Func<DbDataReader, CancellationToken, Task> Read)? readAhead, CancellationToken cancellationToken)
    {
        await using var batch = MessageBatch.Create(db, "A saga row is locked");
        var lockRow = batch.CreateBatchCommand();
        lockRow.CommandText = LockSql;
        var id = lockRow.CreateParameter();
        id.Value = correlationId;
        lockRow.Parameters.Add(id);
        batch.BatchCommands.Add(lockRow);
        var ahead = readAhead is { } r && batch.CreateBatchCommand() is var extra && r.Prepare(extra) ? extra : null;
        if (ahead is not null)
            batch.BatchCommands.Add(ahead);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var instance = await reader.ReadAsync(cancellationToken) ? _read(reader) : null;
        if (ahead is not null)
        {
            if (!await reader.NextResultAsync(cancellationToken))
                throw new InvalidOperationException("The read-ahead statement returned no result.");
            await readAhead!.Value.Read(reader, cancellationToken);
        }
        return instance;
    }

    /// <summary>The statement and reader for <typeparamref name="TSaga"/>, built on first use (per DbContext type).</summary>
    public static SagaRow<TSaga> For(DbContext db) => Cache.GetOrAdd(db.GetType(), _ => Build(db));

    private static SagaRow<TSaga> Build(DbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(TSaga))
            ?? throw new InvalidOperationException($"{typeof(TSaga).Name} is not mapped in {db.GetType().Name}.");
        var table = entity.GetTableName()!;
        var schema = entity.GetSchema();
        var store = StoreObjectIdentifier.Table(table, schema);
        var properties = entity.GetProperties().ToList();
        foreach (var p in properties)
        {
            // What the reader below cannot do as EF would: refuse the mapping at start-up rather than read it wrong.
            if (p.PropertyInfo is null)
                throw new NotSupportedException($"{typeof(TSaga).Name}.{p.Name} is a shadow property: the saga row reader maps CLR properties only.");
            if (p.GetTypeMapping().Converter is not null)
                throw new NotSupportedException($"{typeof(TSaga).Name}.{p.Name} has a value converter: the saga row reader reads provider values as they are.");
        }

        var key = entity.FindProperty(nameof(ISaga.CorrelationId))!.GetColumnName(store)!;
        var qualified = schema is null ? Quote(table) : $"{Quote(schema)}.{Quote(table)}";
        var columns = string.Join(", ", properties.Select(p => Quote(p.GetColumnName(store)!)));
        var lockSql = $"SELECT {columns} FROM {qualified} WHERE {Quote(key)} = $1 FOR UPDATE";

        var reader = Expression.Parameter(typeof(DbDataReader), "reader");
        var bindings = properties.Select((p, ordinal) =>
        {
            var type = p.ClrType;
            var stored = Nullable.GetUnderlyingType(type) ?? type;
            Expression value = Expression.Call(reader, GetFieldValue.MakeGenericMethod(stored), Expression.Constant(ordinal));
            if (value.Type != type)
                value = Expression.Convert(value, type);
            if (p.IsNullable)
                value = Expression.Condition(Expression.Call(reader, IsDbNull, Expression.Constant(ordinal)), Expression.Default(type), value);
            return (MemberBinding)Expression.Bind(p.PropertyInfo!, value);
        });
        var read = Expression.Lambda<Func<DbDataReader, TSaga>>(Expression.MemberInit(Expression.New(typeof(TSaga)), bindings), reader).Compile();
        return new SagaRow<TSaga>(lockSql, read);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
