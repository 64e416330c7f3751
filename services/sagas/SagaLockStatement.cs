using System.Collections.Concurrent;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Agents.Sagas.Postgres;

/// <summary>
/// SELECT … FOR UPDATE for a saga table, with table and column names read from the EF model so a mapping change
/// cannot leave the lock statement behind.
/// </summary>
internal static class SagaLockStatement
{
    private static readonly ConcurrentDictionary<Type, string> Cache = new();

    public static string For<TSaga>(DbContext db) where TSaga : class, ISaga =>
        Cache.GetOrAdd(typeof(TSaga), _ =>
        {
            var entity = db.Model.FindEntityType(typeof(TSaga))
                ?? throw new InvalidOperationException($"{typeof(TSaga).Name} is not mapped in {db.GetType().Name}.");
            var table = entity.GetTableName()!;
            var schema = entity.GetSchema();
            var key = entity.FindProperty(nameof(ISaga.CorrelationId))!
                .GetColumnName(StoreObjectIdentifier.Table(table, schema))!;
            var qualified = schema is null ? Quote(table) : $"{Quote(schema)}.{Quote(table)}";
            return $"SELECT * FROM {qualified} WHERE {Quote(key)} = {{0}} FOR UPDATE";
        });

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
