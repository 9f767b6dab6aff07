package io.gatehouse.store.internal;

import io.gatehouse.store.LogEntry;
import io.gatehouse.store.LogRepository;
import io.gatehouse.store.NotFoundException;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoredCheckpoint;
import io.gatehouse.store.TreeNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The audit logs. Rows refer to their log by a numeric id rather than the origin string, which keeps the
 * hot tables and their indexes small; the id of an origin never changes (logs are never deleted), so it
 * is cached.
 *
 * <p>Append invariant: {@code logs.size} equals the number of rows of the log in {@code log_entries}.
 * {@link #append} advances it with {@code UPDATE ... WHERE size = <first index>} before inserting: when
 * that touches no row the append does not continue the log and nothing is written. On PostgreSQL the
 * row lock taken by that UPDATE also serializes appenders of one log across gateways until commit.
 */
final class JdbcLogRepository implements LogRepository {
    private static final String ENTRY_COLUMNS = "idx, leaf_hash, entry, session, kind, time_micros";
    private static final String INSERT_ENTRY = "INSERT INTO log_entries"
            + " (log_id, idx, leaf_hash, entry, session, kind, time_micros) VALUES (?, ?, ?, ?, ?, ?, ?)";

    private final Database database;
    private final Supplier<Instant> now;
    private final ConcurrentHashMap<String, Long> logIds = new ConcurrentHashMap<>();
    /**
     * SQLite: the append path's statements, prepared once on the single writer connection instead of at
     * every batch (a prepare costs about as much as inserting a few rows). Only touched inside {@link
     * Database#write}, which SQLite serializes on that one connection; re-prepared if the connection
     * differs. PostgreSQL's driver caches prepared statements per connection itself.
     */
    private AppendStatements appendStatements;

    private record AppendStatements(
            Connection connection, PreparedStatement advance, PreparedStatement entry, PreparedStatement node) {

        static AppendStatements prepare(Connection sql) throws SQLException {
            return new AppendStatements(
                    sql,
                    sql.prepareStatement(ADVANCE),
                    sql.prepareStatement(INSERT_ENTRY),
                    sql.prepareStatement(INSERT_NODE));
        }

        void close() {
            for (PreparedStatement statement : List.of(advance, entry, node)) {
                try {
                    statement.close();
                } catch (SQLException e) {
                    // the connection is failing; the error that matters is the one being reported
                }
            }
        }
    }

    private static final String ADVANCE = "UPDATE logs SET size = ? WHERE id = ? AND size = ?";
    private static final String INSERT_NODE = "INSERT INTO log_nodes (log_id, level, idx, hash) VALUES (?, ?, ?, ?)";

    JdbcLogRepository(Database database, Supplier<Instant> now) {
        this.database = database;
        this.now = now;
    }

    @Override
    public void createIfAbsent(String origin) {
        Objects.requireNonNull(origin, "origin");
        Instant at = now.get();
        database.write(sql -> {
            try (PreparedStatement insert = sql.prepareStatement(
                    "INSERT INTO logs (origin, size, created_at) VALUES (?, 0, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, origin);
                insert.setLong(2, Jdbc.micros(at));
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public void append(String origin, List<LogEntry> entries, List<TreeNode> nodes) {
        append(origin, entries, nodes, true);
    }

    /**
     * {@link #append} whose commit is not synced ({@link Database#writeDerived}: SQLite {@code
     * synchronous=NORMAL}); for {@link JournaledLogRepository}, whose journal made the entries durable already.
     */
    void appendUnsynced(String origin, List<LogEntry> entries, List<TreeNode> nodes) {
        append(origin, entries, nodes, false);
    }

    private void append(String origin, List<LogEntry> entries, List<TreeNode> nodes, boolean sync) {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(entries, "entries");
        Objects.requireNonNull(nodes, "nodes");
        if (entries.isEmpty() && nodes.isEmpty()) {
            return;
        }
        requireContiguous(origin, entries);
        boolean cache = database.dialect().equals("sqlite");
        SqlWork<Void> work = sql -> {
            long logId = logId(sql, origin).orElseThrow(() -> noSuchLog(origin));
            AppendStatements statements = cache ? cachedStatements(sql) : AppendStatements.prepare(sql);
            boolean done = false;
            try {
                long newSize = entries.isEmpty() ? size(sql, logId) : advance(statements, sql, origin, logId, entries);
                insertEntries(statements, logId, entries);
                insertNodes(statements, origin, logId, nodes, newSize);
                done = true;
            } finally {
                if (!cache || !done) { // a failed append may leave batched rows behind: never reuse those
                    statements.close();
                    if (cache) {
                        appendStatements = null;
                    }
                }
            }
            return null;
        };
        if (sync) {
            database.write(work);
        } else {
            database.writeDerived(work);
        }
    }

    private AppendStatements cachedStatements(Connection sql) throws SQLException {
        AppendStatements cached = appendStatements;
        if (cached == null || cached.connection() != sql) {
            if (cached != null) {
                cached.close();
            }
            cached = AppendStatements.prepare(sql);
            appendStatements = cached;
        }
        return cached;
    }

    @Override
    public long size(String origin) {
        return database.read(sql -> {
            OptionalLong logId = logId(sql, origin);
            return logId.isPresent() ? size(sql, logId.getAsLong()) : 0L;
        });
    }

    @Override
    public List<LogEntry> read(String origin, long fromIndex, int limit) {
        if (fromIndex < 0 || limit < 0) {
            throw new IllegalArgumentException(
                    "read of log '" + origin + "' from " + fromIndex + " limit " + limit + ": both must be >= 0");
        }
        return database.read(sql -> {
            OptionalLong logId = logId(sql, origin);
            if (logId.isEmpty() || limit == 0) {
                return List.of();
            }
            try (PreparedStatement select = sql.prepareStatement("SELECT " + ENTRY_COLUMNS
                    + " FROM log_entries WHERE log_id = ? AND idx >= ? ORDER BY idx LIMIT ?")) {
                select.setLong(1, logId.getAsLong());
                select.setLong(2, fromIndex);
                select.setInt(3, limit);
                return entries(select);
            }
        });
    }

    @Override
    public Optional<byte[]> node(String origin, int level, long index) {
        return database.read(sql -> {
            OptionalLong logId = logId(sql, origin);
            if (logId.isEmpty()) {
                return Optional.empty();
            }
            String query = level == 0
                    ? "SELECT leaf_hash FROM log_entries WHERE log_id = ? AND idx = ?"
                    : "SELECT hash FROM log_nodes WHERE log_id = ? AND idx = ? AND level = ?";
            try (PreparedStatement select = sql.prepareStatement(query)) {
                select.setLong(1, logId.getAsLong());
                select.setLong(2, index);
                if (level != 0) {
                    select.setInt(3, level);
                }
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(rows.getBytes(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<LogEntry> bySession(String origin, String session) {
        Objects.requireNonNull(session, "session");
        return database.read(sql -> {
            OptionalLong logId = logId(sql, origin);
            if (logId.isEmpty()) {
                return List.of();
            }
            try (PreparedStatement select = sql.prepareStatement(
                    "SELECT " + ENTRY_COLUMNS + " FROM log_entries WHERE log_id = ? AND session = ? ORDER BY idx")) {
                select.setLong(1, logId.getAsLong());
                select.setString(2, session);
                return entries(select);
            }
        });
    }

    @Override
    public void addCheckpoint(String origin, StoredCheckpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        database.write(sql -> {
            long logId = logId(sql, origin).orElseThrow(() -> noSuchLog(origin));
            long size = size(sql, logId);
            if (checkpoint.size() > size) {
                throw new StoreException("log '" + origin + "': checkpoint of size " + checkpoint.size()
                        + " but the log has " + size + " events");
            }
            try (PreparedStatement insert = sql.prepareStatement("INSERT INTO log_checkpoints"
                    + " (log_id, size, root_hash, note, created_at) VALUES (?, ?, ?, ?, ?)")) {
                insert.setLong(1, logId);
                insert.setLong(2, checkpoint.size());
                insert.setBytes(3, checkpoint.rootHash());
                insert.setString(4, checkpoint.note());
                insert.setLong(5, Jdbc.micros(checkpoint.createdAt()));
                insert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<StoredCheckpoint> checkpoints(String origin) {
        return checkpoints(origin, "size, created_at, id", Integer.MAX_VALUE);
    }

    @Override
    public Optional<StoredCheckpoint> latestCheckpoint(String origin) {
        List<StoredCheckpoint> latest = checkpoints(origin, "size DESC, created_at DESC, id DESC", 1);
        return latest.isEmpty() ? Optional.empty() : Optional.of(latest.get(0));
    }

    @Override
    public List<String> origins() {
        return database.read(sql -> {
            try (PreparedStatement select = sql.prepareStatement("SELECT origin FROM logs ORDER BY origin");
                    ResultSet rows = select.executeQuery()) {
                List<String> origins = new ArrayList<>();
                while (rows.next()) {
                    origins.add(rows.getString(1));
                }
                return origins;
            }
        });
    }

    static void requireContiguous(String origin, List<LogEntry> entries) {
        for (int i = 1; i < entries.size(); i++) {
            long expected = entries.get(i - 1).index() + 1;
            if (entries.get(i).index() != expected) {
                throw new StoreException("log '" + origin + "': append of non-contiguous events: index "
                        + entries.get(i).index() + " where " + expected + " was expected");
            }
        }
    }

    /** Moves the log's size past the entries, or throws if they do not start at the current size. */
    private static long advance(
            AppendStatements statements, Connection sql, String origin, long logId, List<LogEntry> entries)
            throws SQLException {
        long first = entries.get(0).index();
        long newSize = first + entries.size();
        PreparedStatement update = statements.advance();
        update.setLong(1, newSize);
        update.setLong(2, logId);
        update.setLong(3, first);
        if (update.executeUpdate() == 1) {
            return newSize;
        }
        throw new StoreException(
                "log '" + origin + "': append at index " + first + " but the log has " + size(sql, logId) + " events");
    }

    private static void insertEntries(AppendStatements statements, long logId, List<LogEntry> entries)
            throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        // A multi-row INSERT (16 rows per statement) was measured slower per row than this batch of
        // single-row steps: writer CPU 12-14 µs vs 8-9 µs per event (sqlite-jdbc 3.x, docs/benchmarks.md).
        PreparedStatement insert = statements.entry();
        for (LogEntry entry : entries) {
            bindEntry(insert, 0, logId, entry);
            insert.addBatch();
        }
        insert.executeBatch();
    }

    private static void bindEntry(PreparedStatement insert, int offset, long logId, LogEntry entry)
            throws SQLException {
        insert.setLong(offset + 1, logId);
        insert.setLong(offset + 2, entry.index());
        insert.setBytes(offset + 3, entry.leafHash());
        insert.setBytes(offset + 4, entry.entry());
        Jdbc.setNullableString(insert, offset + 5, entry.session());
        insert.setString(offset + 6, entry.kind());
        insert.setLong(offset + 7, entry.timeMicros());
    }

    private static void insertNodes(
            AppendStatements statements, String origin, long logId, List<TreeNode> nodes, long size)
            throws SQLException {
        int stored = 0;
        PreparedStatement insert = statements.node();
        for (TreeNode node : nodes) {
            if (node.level() == 0) {
                continue; // equal to the entry's leaf hash, which is stored already
            }
            if (node.leafEnd() > size) {
                throw new StoreException("log '" + origin + "': node (level " + node.level() + ", index "
                        + node.index() + ") covers events up to " + node.leafEnd() + " but the log has " + size
                        + " events");
            }
            insert.setLong(1, logId);
            insert.setInt(2, node.level());
            insert.setLong(3, node.index());
            insert.setBytes(4, node.hash());
            insert.addBatch();
            stored++;
        }
        if (stored > 0) {
            insert.executeBatch();
        }
    }

    private List<StoredCheckpoint> checkpoints(String origin, String order, int limit) {
        return database.read(sql -> {
            OptionalLong logId = logId(sql, origin);
            if (logId.isEmpty()) {
                return List.of();
            }
            try (PreparedStatement select = sql.prepareStatement("SELECT size, root_hash, note, created_at"
                    + " FROM log_checkpoints WHERE log_id = ? ORDER BY " + order + " LIMIT ?")) {
                select.setLong(1, logId.getAsLong());
                select.setInt(2, limit);
                try (ResultSet rows = select.executeQuery()) {
                    List<StoredCheckpoint> checkpoints = new ArrayList<>();
                    while (rows.next()) {
                        checkpoints.add(new StoredCheckpoint(
                                rows.getLong("size"),
                                rows.getBytes("root_hash"),
                                rows.getString("note"),
                                Jdbc.instant(rows.getLong("created_at"))));
                    }
                    return checkpoints;
                }
            }
        });
    }

    private OptionalLong logId(Connection sql, String origin) throws SQLException {
        Long cached = logIds.get(origin);
        if (cached != null) {
            return OptionalLong.of(cached);
        }
        try (PreparedStatement select = sql.prepareStatement("SELECT id FROM logs WHERE origin = ?")) {
            select.setString(1, origin);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return OptionalLong.empty();
                }
                long id = rows.getLong(1);
                logIds.put(origin, id);
                return OptionalLong.of(id);
            }
        }
    }

    private static long size(Connection sql, long logId) throws SQLException {
        try (PreparedStatement select = sql.prepareStatement("SELECT size FROM logs WHERE id = ?")) {
            select.setLong(1, logId);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static List<LogEntry> entries(PreparedStatement select) throws SQLException {
        try (ResultSet rows = select.executeQuery()) {
            List<LogEntry> entries = new ArrayList<>();
            while (rows.next()) {
                entries.add(new LogEntry(
                        rows.getLong("idx"),
                        rows.getBytes("leaf_hash"),
                        rows.getBytes("entry"),
                        rows.getString("session"),
                        rows.getString("kind"),
                        rows.getLong("time_micros")));
            }
            return entries;
        }
    }

    private static NotFoundException noSuchLog(String origin) {
        return new NotFoundException("no log with origin '" + origin + "'");
    }
}
