package io.gatehouse.store.internal;

import io.gatehouse.store.CommandRecord;
import io.gatehouse.store.SessionQuery;
import io.gatehouse.store.SessionRecord;
import io.gatehouse.store.SessionRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads of the sessions index that {@link JdbcSessionIndexer} maintains; every filter is served by an index.
 *
 * <p>Text search ({@link SessionQuery#text()}) has two plans, picked per query. Walking the sessions newest
 * first and testing each one's commands with {@code LIKE} finds a page quickly when the text is common, but
 * reads every command when it is rare or absent. On SQLite, the index file's trigram index ({@code
 * command_text}) finds the commands that hold every trigram of a text of three or more characters (candidates,
 * confirmed with {@code LIKE}); a bounded probe of it decides: at most {@link #TEXT_PROBE} candidates →
 * sessions are picked from those, more → the walk (which then finds its page among the first sessions it
 * reads). PostgreSQL always walks.
 */
final class JdbcSessionRepository implements SessionRepository {
    /** Matching commands up to which a text search starts from the trigram index instead of walking. */
    static final int TEXT_PROBE = 2000;

    private static final int TRIGRAM = 3;
    private static final int MAX_TRIGRAMS = 16;
    private static final String SESSION_COLUMNS = "s.id, l.origin, s.session, s.identity, s.connection, s.type,"
            + " s.client, s.application, s.token, s.started_micros, s.ended_micros, s.status, s.end_reason,"
            + " s.events, s.commands, s.errors, s.first_idx, s.last_idx FROM sessions s JOIN logs l ON l.id = s.log_id";

    private final Database database;
    private final int textProbe;

    JdbcSessionRepository(Database database) {
        this(database, TEXT_PROBE);
    }

    /** {@code textProbe}: see {@link #TEXT_PROBE}; tests lower it to reach both plans with little data. */
    JdbcSessionRepository(Database database, int textProbe) {
        this.database = database;
        this.textProbe = textProbe;
    }

    @Override
    public List<SessionRecord> list(SessionQuery query) {
        Objects.requireNonNull(query, "query");
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        condition(where, args, " AND s.identity = ?", query.identity());
        condition(where, args, " AND s.connection = ?", query.connection());
        condition(where, args, " AND s.type = ?", query.type());
        condition(where, args, " AND s.status = ?", query.status());
        condition(where, args, " AND s.id < ?", query.beforeId());
        condition(where, args, " AND s.started_micros <= ?", query.untilMicros());
        condition(where, args, " AND (s.ended_micros IS NULL OR s.ended_micros >= ?)", query.sinceMicros());
        String text = query.text() == null || query.text().isEmpty() ? null : query.text();
        return database.read(sql -> {
            StringBuilder filtered = new StringBuilder(where);
            List<Object> filteredArgs = new ArrayList<>(args);
            if (text != null) {
                String like = "%" + likeEscape(text.toLowerCase(Locale.ROOT)) + "%";
                String trigrams = trigramQuery(text);
                if (trigrams != null && fewCandidates(sql, trigrams)) {
                    filtered.append(" AND s.id IN (SELECT t.id FROM command_text f"
                            + " JOIN session_commands c ON c.id = f.rowid"
                            + " JOIN sessions t ON t.log_id = c.log_id AND t.session = c.session"
                            + " WHERE command_text MATCH ? AND LOWER(c.text) LIKE ? ESCAPE '\\')");
                    filteredArgs.add(trigrams);
                } else {
                    filtered.append(" AND EXISTS (SELECT 1 FROM session_commands c WHERE c.log_id = s.log_id"
                            + " AND c.session = s.session AND LOWER(c.text) LIKE ? ESCAPE '\\')");
                }
                filteredArgs.add(like);
            }
            String select = "SELECT " + SESSION_COLUMNS + filtered + " ORDER BY s.id DESC LIMIT " + query.limit();
            try (PreparedStatement statement = sql.prepareStatement(select)) {
                bind(statement, filteredArgs);
                return sessions(statement);
            }
        });
    }

    /**
     * The trigram index's query for {@code text}: every distinct three-character piece of it, each an FTS5
     * string (https://sqlite.org/fts5.html#fts5_strings), joined by AND; at most {@link #MAX_TRIGRAMS} of them,
     * spread over the text (the LIKE confirmation checks the rest). Null where there is no trigram index
     * (PostgreSQL) or the text is shorter than a trigram.
     */
    private String trigramQuery(String text) {
        if (!database.dialect().equals("sqlite")) {
            return null;
        }
        int[] points = text.toLowerCase(Locale.ROOT).codePoints().toArray();
        int count = points.length - TRIGRAM + 1;
        if (count < 1) {
            return null;
        }
        Set<String> pieces = new LinkedHashSet<>();
        int step = Math.max(1, (count + MAX_TRIGRAMS - 1) / MAX_TRIGRAMS);
        for (int i = 0; i < count; i += step) {
            pieces.add(new String(points, i, TRIGRAM));
        }
        pieces.add(new String(points, count - 1, TRIGRAM));
        return String.join(
                " AND ",
                pieces.stream().map(p -> '"' + p.replace("\"", "\"\"") + '"').toList());
    }

    /** True when the trigram index holds at most textProbe candidate commands for the query. */
    private boolean fewCandidates(Connection sql, String trigrams) throws SQLException {
        try (PreparedStatement probe = sql.prepareStatement(
                "SELECT count(*) FROM (SELECT 1 FROM command_text WHERE command_text MATCH ? LIMIT ?)")) {
            probe.setString(1, trigrams);
            probe.setInt(2, textProbe + 1);
            try (ResultSet row = probe.executeQuery()) {
                return row.next() && row.getInt(1) <= textProbe;
            }
        }
    }

    @Override
    public Optional<SessionRecord> find(String session) {
        Objects.requireNonNull(session, "session");
        return database.read(sql -> {
            try (PreparedStatement statement =
                    sql.prepareStatement("SELECT " + SESSION_COLUMNS + " WHERE s.session = ? ORDER BY s.id LIMIT 1")) {
                statement.setString(1, session);
                List<SessionRecord> found = sessions(statement);
                return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
            }
        });
    }

    @Override
    public List<CommandRecord> timeline(
            String connection, long sinceMicros, long untilMicros, Cursor after, int limit) {
        Objects.requireNonNull(connection, "connection");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        String page = after == null
                ? ""
                : " AND (c.time_micros > ? OR (c.time_micros = ? AND (c.log_id > ? OR (c.log_id = ? AND c.idx > ?))))";
        String select = "SELECT l.origin, c.log_id, c.idx, c.session, c.command_no, c.identity, c.connection,"
                + " c.time_micros, c.text, c.result_idx, c.status FROM session_commands c JOIN logs l ON l.id = c.log_id"
                + " WHERE c.connection = ? AND c.time_micros >= ? AND c.time_micros <= ?" + page
                + " ORDER BY c.time_micros, c.log_id, c.idx LIMIT " + limit;
        return database.read(sql -> {
            try (PreparedStatement statement = sql.prepareStatement(select)) {
                statement.setString(1, connection);
                statement.setLong(2, sinceMicros);
                statement.setLong(3, untilMicros);
                if (after != null) {
                    statement.setLong(4, after.timeMicros());
                    statement.setLong(5, after.timeMicros());
                    statement.setLong(6, after.logId());
                    statement.setLong(7, after.logId());
                    statement.setLong(8, after.index());
                }
                return commands(statement);
            }
        });
    }

    private static void condition(StringBuilder where, List<Object> args, String clause, Object value) {
        if (value != null) {
            where.append(clause);
            args.add(value);
        }
    }

    private static String likeEscape(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static void bind(PreparedStatement statement, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case Long value -> statement.setLong(i + 1, value);
                case String value -> statement.setString(i + 1, value);
                default -> throw new IllegalStateException("unexpected argument " + args.get(i));
            }
        }
    }

    private static List<SessionRecord> sessions(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            List<SessionRecord> out = new ArrayList<>();
            while (rows.next()) {
                long ended = rows.getLong("ended_micros");
                Long endedMicros = rows.wasNull() ? null : ended;
                out.add(new SessionRecord(
                        rows.getLong("id"),
                        rows.getString("origin"),
                        rows.getString("session"),
                        rows.getString("identity"),
                        rows.getString("connection"),
                        rows.getString("type"),
                        rows.getString("client"),
                        rows.getString("application"),
                        rows.getString("token"),
                        rows.getLong("started_micros"),
                        endedMicros,
                        rows.getString("status"),
                        rows.getString("end_reason"),
                        rows.getLong("events"),
                        rows.getLong("commands"),
                        rows.getLong("errors"),
                        rows.getLong("first_idx"),
                        rows.getLong("last_idx")));
            }
            return out;
        }
    }

    private static List<CommandRecord> commands(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            List<CommandRecord> out = new ArrayList<>();
            while (rows.next()) {
                long number = rows.getLong("command_no");
                Long commandNo = rows.wasNull() ? null : number;
                long result = rows.getLong("result_idx");
                Long resultIndex = rows.wasNull() ? null : result;
                long time = rows.getLong("time_micros");
                long index = rows.getLong("idx");
                out.add(new CommandRecord(
                        rows.getString("origin"),
                        index,
                        rows.getString("session"),
                        commandNo,
                        rows.getString("identity"),
                        rows.getString("connection"),
                        time,
                        rows.getString("text"),
                        resultIndex,
                        rows.getString("status"),
                        new Cursor(time, rows.getLong("log_id"), index)));
            }
            return out;
        }
    }
}
