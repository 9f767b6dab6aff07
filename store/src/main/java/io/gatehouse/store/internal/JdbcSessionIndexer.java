package io.gatehouse.store.internal;

import io.gatehouse.audit.EventCodec;
import io.gatehouse.audit.MalformedRecordException;
import io.gatehouse.store.LogEntry;
import io.gatehouse.store.LogRepository;
import io.gatehouse.store.SessionIndexer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SessionIndexer} over either dialect. Reads come from the log through {@link LogRepository} (reader
 * connections); each batch is applied in one write transaction that starts with the compare-and-set of the
 * log's {@code indexed_upto}, so a lost race writes nothing.
 *
 * <p>An event that does not decode is skipped with a warning instead of stopping the index: the review tools
 * must keep working on a damaged log, and {@code gatehouse audit verify} is what reports the damage.
 */
final class JdbcSessionIndexer implements SessionIndexer {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSessionIndexer.class);

    /** Events per transaction: large enough that the index costs the store few commits. */
    static final int BATCH = 4000;

    /**
     * The indexer's share of a CPU while it is close behind the log: after each batch it pauses as long as the
     * batch took. On a small machine the indexer otherwise takes a whole core whenever it catches up, and the
     * recorder's p99 acknowledgement tripled (8 producers: 0.9 → 2.3–3.1 ms; 1.2–1.3 ms at this share;
     * docs/benchmarks.md). Recording comes first: the index lags a little longer instead.
     */
    static final double CPU_SHARE = 0.5;

    /** Beyond this many events behind, the indexer stops pausing, so that its lag stays bounded. */
    static final long CATCH_UP_LAG = 100_000;

    private static final String UPSERT = "INSERT INTO sessions (log_id, session, identity, connection, type, client,"
            + " application, token, started_micros, ended_micros, status, end_reason, events, commands, errors,"
            + " first_idx, last_idx) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (log_id, session) DO UPDATE SET"
            + " identity = COALESCE(sessions.identity, excluded.identity),"
            + " connection = COALESCE(sessions.connection, excluded.connection),"
            + " type = COALESCE(sessions.type, excluded.type),"
            + " client = COALESCE(sessions.client, excluded.client),"
            + " application = COALESCE(sessions.application, excluded.application),"
            + " token = COALESCE(sessions.token, excluded.token),"
            // only a session.end closes a session that already has a row
            + " ended_micros = CASE WHEN ? = 1 THEN excluded.ended_micros ELSE sessions.ended_micros END,"
            + " status = CASE WHEN ? = 1 THEN 'closed' ELSE sessions.status END,"
            + " end_reason = CASE WHEN ? = 1 THEN excluded.end_reason ELSE sessions.end_reason END,"
            + " events = sessions.events + excluded.events,"
            + " commands = sessions.commands + excluded.commands,"
            + " errors = sessions.errors + excluded.errors,"
            + " last_idx = excluded.last_idx";

    private final Database database;
    private final LogRepository log;
    /** SQLite: the index file's trigram index {@code command_text} is filled with each batch's commands. */
    private final boolean textIndex;
    /** Which texts each session has in {@code command_text} already: each is indexed once per session. */
    private final IndexedTexts indexedTexts = new IndexedTexts();

    JdbcSessionIndexer(Database database, LogRepository log) {
        this.database = database;
        this.log = log;
        this.textIndex = database.dialect().equals("sqlite");
    }

    @Override
    public long catchUp() {
        long indexed = 0;
        for (String origin : log.origins()) {
            indexed += catchUp(origin);
        }
        return indexed;
    }

    private long catchUp(String origin) {
        long indexed = 0;
        while (true) {
            long started = System.nanoTime();
            long from = indexedUpTo(origin);
            List<LogEntry> entries = log.read(origin, from, BATCH);
            if (entries.isEmpty()) {
                return indexed;
            }
            IndexBatch batch = decode(origin, entries);
            long upTo = entries.get(entries.size() - 1).index() + 1;
            IndexedTexts.Pick texts = textIndex ? pickTexts(batch) : null;
            boolean applied = database.writeDerived(sql -> apply(sql, origin, from, upTo, batch, texts));
            if (applied) {
                indexed += entries.size();
                if (texts != null) {
                    texts.commit();
                    batch.sessions.values().stream()
                            .filter(session -> session.ended)
                            .forEach(session -> indexedTexts.forget(session.session));
                }
            }
            if (!yieldToTheRecorder(origin, upTo, System.nanoTime() - started)) {
                return indexed;
            }
            if (applied && entries.size() < BATCH) {
                return indexed;
            }
        }
    }

    /**
     * Pauses after a batch that took {@code spentNanos} (see {@link #CPU_SHARE}), unless the index is more than
     * {@link #CATCH_UP_LAG} events behind. False when interrupted (the gateway is closing).
     */
    private boolean yieldToTheRecorder(String origin, long indexedUpTo, long spentNanos) {
        if (log.size(origin) - indexedUpTo > CATCH_UP_LAG) {
            return true;
        }
        try {
            TimeUnit.NANOSECONDS.sleep((long) (spentNanos * (1 / CPU_SHARE - 1)));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private IndexedTexts.Pick pickTexts(IndexBatch batch) {
        List<String> sessions = new java.util.ArrayList<>(batch.commands.size());
        List<String> texts = new java.util.ArrayList<>(batch.commands.size());
        for (IndexBatch.CommandRow c : batch.commands) {
            sessions.add(c.session);
            texts.add(c.text);
        }
        return indexedTexts.pick(sessions, texts);
    }

    private static IndexBatch decode(String origin, List<LogEntry> entries) {
        IndexBatch batch = new IndexBatch();
        for (LogEntry entry : entries) {
            try {
                batch.add(entry.index(), EventCodec.decode(entry.entry()));
            } catch (MalformedRecordException e) {
                LOG.warn(
                        "sessions index: event {} of log '{}' does not decode ({}); skipped. Run `gatehouse audit verify`",
                        entry.index(),
                        origin,
                        e.getMessage());
            }
        }
        return batch;
    }

    @Override
    public long indexedUpTo(String origin) {
        Objects.requireNonNull(origin, "origin");
        return database.read(sql -> {
            try (PreparedStatement select = sql.prepareStatement("SELECT s.indexed_upto FROM session_index_state s"
                    + " JOIN logs l ON l.id = s.log_id WHERE l.origin = ?")) {
                select.setString(1, origin);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? row.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public void rebuild() {
        indexedTexts.clear();
        database.writeDerived(sql -> {
            try (Statement statement = sql.createStatement()) {
                if (database.dialect().equals("sqlite")) {
                    statement.executeUpdate("DELETE FROM command_text"); // the index file's text index
                }
                statement.executeUpdate("DELETE FROM session_commands");
                statement.executeUpdate("DELETE FROM sessions");
                statement.executeUpdate("DELETE FROM session_index_state");
            }
            return null;
        });
    }

    /**
     * Applies the batch of events [from, upTo) unless another indexer moved the position first; {@code texts}:
     * the commands whose texts go into the trigram index (SQLite), null where there is none.
     */
    private static boolean apply(
            Connection sql, String origin, long from, long upTo, IndexBatch batch, IndexedTexts.Pick texts)
            throws SQLException {
        OptionalLong logId = logId(sql, origin);
        if (logId.isEmpty() || !advance(sql, logId.getAsLong(), from, upTo)) {
            return false;
        }
        long id = logId.getAsLong();
        upsertSessions(sql, id, batch);
        insertCommands(sql, id, batch);
        if (texts != null && !texts.positions.isEmpty()) {
            indexTexts(sql, id, batch, texts);
        }
        updateLateOutcomes(sql, id, batch);
        return true;
    }

    private static OptionalLong logId(Connection sql, String origin) throws SQLException {
        try (PreparedStatement select = sql.prepareStatement("SELECT id FROM logs WHERE origin = ?")) {
            select.setString(1, origin);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? OptionalLong.of(row.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    private static boolean advance(Connection sql, long logId, long from, long upTo) throws SQLException {
        try (PreparedStatement insert = sql.prepareStatement("INSERT INTO session_index_state (log_id, indexed_upto)"
                        + " VALUES (?, 0) ON CONFLICT (log_id) DO NOTHING");
                PreparedStatement update = sql.prepareStatement(
                        "UPDATE session_index_state SET indexed_upto = ?" + " WHERE log_id = ? AND indexed_upto = ?")) {
            insert.setLong(1, logId);
            insert.executeUpdate();
            update.setLong(1, upTo);
            update.setLong(2, logId);
            update.setLong(3, from);
            return update.executeUpdate() == 1;
        }
    }

    private static void upsertSessions(Connection sql, long logId, IndexBatch batch) throws SQLException {
        if (batch.sessions.isEmpty()) {
            return;
        }
        // One upsert per session of the batch: PostgreSQL refuses to touch a row twice in one statement,
        // and its driver may fold a batch into one multi-row INSERT.
        try (PreparedStatement upsert = sql.prepareStatement(UPSERT)) {
            for (IndexBatch.SessionSummary s : batch.sessions.values()) {
                EventFacts start = s.start;
                upsert.setLong(1, logId);
                upsert.setString(2, s.session);
                Jdbc.setNullableString(upsert, 3, s.identity);
                Jdbc.setNullableString(upsert, 4, s.connection);
                Jdbc.setNullableString(upsert, 5, start == null ? null : start.type());
                Jdbc.setNullableString(upsert, 6, start == null ? null : start.client());
                Jdbc.setNullableString(upsert, 7, start == null ? null : start.application());
                Jdbc.setNullableString(upsert, 8, start == null ? null : start.token());
                upsert.setLong(9, s.startedMicros);
                setNullableLong(upsert, 10, s.endedMicros);
                upsert.setString(11, s.closedOnInsert() ? "closed" : "open");
                Jdbc.setNullableString(upsert, 12, s.endReason);
                upsert.setLong(13, s.events);
                upsert.setLong(14, s.commands);
                upsert.setLong(15, s.errors);
                upsert.setLong(16, s.firstIndex);
                upsert.setLong(17, s.lastIndex);
                int ended = s.ended ? 1 : 0;
                upsert.setInt(18, ended);
                upsert.setInt(19, ended);
                upsert.setInt(20, ended);
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    private static void insertCommands(Connection sql, long logId, IndexBatch batch) throws SQLException {
        if (batch.commands.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = sql.prepareStatement("INSERT INTO session_commands (log_id, idx, session,"
                + " command_no, identity, connection, time_micros, text, result_idx, status)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (IndexBatch.CommandRow c : batch.commands) {
                insert.setLong(1, logId);
                insert.setLong(2, c.index);
                insert.setString(3, c.session);
                setNullableLong(insert, 4, c.number);
                Jdbc.setNullableString(insert, 5, c.identity);
                Jdbc.setNullableString(insert, 6, c.connection);
                insert.setLong(7, c.timeMicros);
                Jdbc.setNullableString(insert, 8, c.text);
                setNullableLong(insert, 9, c.resultIndex);
                Jdbc.setNullableString(insert, 10, c.status);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * Adds the picked commands' texts to the trigram index in one statement. Not row by row, nor by a trigger:
     * FTS5 flushes its pending terms at every statement savepoint, so one insert per command made one segment per
     * command (index schema, command_text). The commands are named by their log index, as a JSON array read with
     * json_each (https://sqlite.org/json1.html#jeach).
     */
    private static void indexTexts(Connection sql, long logId, IndexBatch batch, IndexedTexts.Pick texts)
            throws SQLException {
        StringBuilder indexes = new StringBuilder("[");
        for (int position : texts.positions) {
            if (indexes.length() > 1) {
                indexes.append(',');
            }
            indexes.append(batch.commands.get(position).index);
        }
        indexes.append(']');
        try (PreparedStatement insert = sql.prepareStatement("INSERT INTO command_text (rowid, text)"
                + " SELECT id, text FROM session_commands WHERE log_id = ? AND idx IN (SELECT value FROM json_each(?))"
                + " AND text IS NOT NULL")) {
            insert.setLong(1, logId);
            insert.setString(2, indexes.toString());
            insert.executeUpdate();
        }
    }

    private static void updateLateOutcomes(Connection sql, long logId, IndexBatch batch) throws SQLException {
        if (batch.lateOutcomes.isEmpty()) {
            return;
        }
        try (PreparedStatement update = sql.prepareStatement("UPDATE session_commands SET result_idx = ?, status = ?"
                + " WHERE log_id = ? AND session = ? AND command_no = ? AND result_idx IS NULL")) {
            for (IndexBatch.LateOutcome o : batch.lateOutcomes) {
                update.setLong(1, o.resultIndex());
                Jdbc.setNullableString(update, 2, o.status());
                update.setLong(3, logId);
                update.setString(4, o.session());
                update.setLong(5, o.number());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    private static void setNullableLong(PreparedStatement statement, int parameter, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(parameter, Types.BIGINT);
        } else {
            statement.setLong(parameter, value);
        }
    }
}
