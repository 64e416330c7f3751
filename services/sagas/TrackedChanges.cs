using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Agents.Sagas.Postgres;

/// <summary>
/// Saves what a message changed (the saga row, and the rows activities added beside it, such as audit rows) as one
/// batch of plain statements on the context's connection and transaction, built from the EF model, then accepts the
/// changes as <c>SaveChanges</c> would. EF Core's <c>SaveChanges</c> built its command batch, SQL text and parameters
/// anew for every message and was the largest part of holding a proposal (bench/README.md, Saga).
///
/// Only plain mappings take this way: one table per entity type, no inheritance, owned types, foreign keys (no
/// ordering to respect), shadow properties, value converters, concurrency tokens or store-computed columns; at
/// most a single store-generated key, read back. A save that tracks anything else goes to <c>SaveChanges</c> whole.
/// Every statement returns its key, so an UPDATE or DELETE that found no row fails the save as EF's would.
/// </summary>
internal static class TrackedChanges
{
    private static readonly ConcurrentDictionary<(Type Context, IEntityType Entity), Table?> Tables = new();

    /// <summary>
    /// Saves the tracked changes; with <paramref name="commitIfInsertsOnly"/>, a batch of INSERTs only also carries
    /// the transaction's COMMIT, and the result says whether it did (the caller then must not commit again). Only
    /// INSERTs: each returns its row or fails, and a failure makes PostgreSQL skip the rest of the batch, COMMIT
    /// included. An UPDATE or DELETE that finds no row fails the save here, on the client, after PostgreSQL ran the
    /// whole batch: a COMMIT in it would have kept what the statements beside it wrote.
    /// </summary>
    public static async Task<bool> SaveAsync(DbContext db, CancellationToken cancellationToken, bool commitIfInsertsOnly = false)
    {
        var changed = new List<(EntityEntry Entry, Table Table)>();
        foreach (var entry in db.ChangeTracker.Entries()) // detects changes first
        {
            if (entry.State is EntityState.Unchanged or EntityState.Detached)
                continue;
            var table = Tables.GetOrAdd((db.GetType(), entry.Metadata), key => Table.For(db, key.Entity));
            if (table is null)
            {
                await db.SaveChangesAsync(cancellationToken);
                return false;
            }
            changed.Add((entry, table));
        }
        if (changed.Count == 0)
            return false;

        await using var factory = db.Database.GetDbConnection().CreateCommand(); // EF's type mappings create parameters from a command
        await using var batch = MessageBatch.Create(db, "Tracked changes are saved");
        var statements = new List<(EntityEntry Entry, Table Table)>(changed.Count);
        foreach (var (entry, table) in changed)
        {
            var command = table.Statement(entry, factory, batch.CreateBatchCommand());
            if (command is null)
                continue; // a Modified entry whose changed values all went back: nothing to write
            batch.BatchCommands.Add(command);
            statements.Add((entry, table));
        }

        var commit = commitIfInsertsOnly && statements.Count > 0 && statements.All(s => s.Entry.State == EntityState.Added);
        if (commit)
            batch.BatchCommands.Add(Commit(batch));
        if (statements.Count > 0)
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            for (var i = 0; i < statements.Count; i++)
            {
                if (i > 0 && !await reader.NextResultAsync(cancellationToken))
                    throw new InvalidOperationException($"The batch returned {i} results for {statements.Count} statements.");
                var (entry, table) = statements[i];
                if (!await reader.ReadAsync(cancellationToken))
                    throw new DbUpdateConcurrencyException(
                        $"{entry.State} of {entry.Metadata.DisplayName()} affected no row: it was changed or deleted since it was read.");
                if (entry.State == EntityState.Added && table.GeneratedKey is { } key && entry.Property(key).IsTemporary)
                    entry.Property(key).CurrentValue = reader.GetValue(0);
            }
            if (commit)
                await reader.NextResultAsync(cancellationToken); // the COMMIT's own answer (a failed commit throws here)
        }
        db.ChangeTracker.AcceptAllChanges();
        return commit;
    }

    private static DbBatchCommand Commit(DbBatch batch)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = "COMMIT";
        return command;
    }

    /// <summary>One entity type's table and columns, or null (from <see cref="For"/>) when it takes <c>SaveChanges</c>.</summary>
    private sealed class Table
    {
        private readonly string _name;
        private readonly IProperty[] _columns;
        private readonly string[] _quoted;
        private readonly IProperty[] _key;
        private readonly string _returning;
        private readonly string _insert; // every column but a store-generated key (the table numbers the row)
        private readonly string _insertEvery; // every column (a key the client generated or set: a Guid, a key set by hand)

        private Table(string name, IProperty[] columns, string[] quoted, IProperty[] key, IProperty? generatedKey)
        {
            _name = name;
            _columns = columns;
            _quoted = quoted;
            _key = key;
            GeneratedKey = generatedKey;
            _returning = " RETURNING " + string.Join(", ", key.Select(Quoted));
            _insert = Insert(columns.Where(p => p != generatedKey).ToList());
            _insertEvery = Insert(columns);
        }

        private string Insert(IReadOnlyList<IProperty> inserted) =>
            $"INSERT INTO {_name} ({string.Join(", ", inserted.Select(Quoted))}) VALUES " +
            $"({string.Join(", ", inserted.Select((_, n) => "$" + (n + 1)))}){_returning}";

        public IProperty? GeneratedKey { get; }

        private string Quoted(IProperty property) => _quoted[Array.IndexOf(_columns, property)];

        public static Table? For(DbContext db, IEntityType entity)
        {
            var tableName = entity.GetTableName();
            if (tableName is null || entity.BaseType is not null || entity.GetDerivedTypes().Any() || entity.IsOwned()
                || entity.GetForeignKeys().Any() || entity.GetNavigations().Any() || entity.FindPrimaryKey() is not { } primaryKey)
                return null;
            var store = StoreObjectIdentifier.Table(tableName, entity.GetSchema());
            var columns = entity.GetProperties().ToArray();
            if (columns.Any(p => p.IsShadowProperty() || p.GetTypeMapping().Converter is not null || p.IsConcurrencyToken
                                 || p.GetColumnName(store) is null))
                return null;
            var key = primaryKey.Properties.ToArray();
            var generated = columns.Where(p => p.ValueGenerated != ValueGenerated.Never).ToList();
            // A single store-generated key (identity) is read back; any other generated or defaulted column is not ours to guess.
            if (generated.Count > 1 || generated.Count == 1 && (key.Length != 1 || generated[0] != key[0]))
                return null;

            var sql = db.GetService<ISqlGenerationHelper>();
            var quoted = columns.Select(p => sql.DelimitIdentifier(p.GetColumnName(store)!)).ToArray();
            return new Table(sql.DelimitIdentifier(tableName, entity.GetSchema()), columns, quoted, key, generated.SingleOrDefault());
        }

        /// <summary>The entry's INSERT, UPDATE (of its modified columns) or DELETE, each returning the key; null when nothing changed.</summary>
        public DbBatchCommand? Statement(EntityEntry entry, DbCommand factory, DbBatchCommand command)
        {
            switch (entry.State)
            {
                case EntityState.Added:
                    var numbered = GeneratedKey is not null && entry.Property(GeneratedKey).IsTemporary;
                    foreach (var p in _columns)
                        if (p != GeneratedKey || !numbered)
                            Add(command, factory, p, entry.Property(p).CurrentValue);
                    command.CommandText = numbered ? _insert : _insertEvery;
                    return command;
                case EntityState.Modified:
                    var text = new StringBuilder("UPDATE ").Append(_name).Append(" SET ");
                    var set = 0;
                    for (var i = 0; i < _columns.Length; i++)
                    {
                        var property = entry.Property(_columns[i]);
                        if (!property.IsModified)
                            continue;
                        Add(command, factory, _columns[i], property.CurrentValue);
                        text.Append(set++ == 0 ? "" : ", ").Append(_quoted[i]).Append(" = $").Append(command.Parameters.Count);
                    }
                    if (set == 0)
                        return null;
                    command.CommandText = Where(text, command, factory, entry).Append(_returning).ToString();
                    return command;
                case EntityState.Deleted:
                    command.CommandText = Where(new StringBuilder("DELETE FROM ").Append(_name), command, factory, entry).Append(_returning).ToString();
                    return command;
                default:
                    throw new InvalidOperationException($"No statement for an entry {entry.State}.");
            }
        }

        /// <summary>The key as it was read: a key is never modified, but the original is what the row holds.</summary>
        private StringBuilder Where(StringBuilder text, DbBatchCommand command, DbCommand factory, EntityEntry entry)
        {
            text.Append(" WHERE ");
            for (var k = 0; k < _key.Length; k++)
            {
                Add(command, factory, _key[k], entry.Property(_key[k]).OriginalValue);
                text.Append(k == 0 ? "" : " AND ").Append(Quoted(_key[k])).Append(" = $").Append(command.Parameters.Count);
            }
            return text;
        }

        /// <summary>A positional parameter typed by the column's EF type mapping (jsonb, timestamptz, … as EF sends them).</summary>
        private static void Add(DbBatchCommand command, DbCommand factory, IProperty property, object? value) =>
            command.Parameters.Add(property.GetRelationalTypeMapping().CreateParameter(factory, "", value, property.IsNullable));
    }
}
