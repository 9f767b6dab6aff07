package io.gatehouse.store.internal;

import io.gatehouse.store.CommandRecord;
import io.gatehouse.store.SessionQuery;
import io.gatehouse.store.SessionRecord;
import io.gatehouse.store.SessionRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** Reads of the sessions index that {@link SessionIndex} maintains; every filter is served by an index. */
final class JdbcSessionRepository implements SessionRepository {
    private static final String SESSION_COLUMNS = "s.id, l.origin, s.session, s.identity, s.connection, s.type,"
            + " s.client, s.application, s.token, s.started_micros, s.ended_micros, s.status, s.end_reason,"
            + " s.events, s.commands, s.errors, s.first_idx, s.last_idx FROM sessions s JOIN logs l ON l.id = s.log_id";

    private final Database database;

    JdbcSessionRepository(Database database) {
        this.database = database;
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
        if (query.text() != null && !query.text().isEmpty()) {
            where.append(" AND EXISTS (SELECT 1 FROM session_commands c WHERE c.log_id = s.log_id"
                    + " AND c.session = s.session AND LOWER(c.text) LIKE ? ESCAPE '\\')");
            args.add("%" + likeEscape(query.text().toLowerCase(Locale.ROOT)) + "%");
        }
        String select = "SELECT " + SESSION_COLUMNS + where + " ORDER BY s.id DESC LIMIT " + query.limit();
        return database.read(sql -> {
            try (PreparedStatement statement = sql.prepareStatement(select)) {
                bind(statement, args);
                return sessions(statement);
            }
        });
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
