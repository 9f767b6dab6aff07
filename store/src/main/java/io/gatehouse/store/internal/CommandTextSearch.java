package io.gatehouse.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * The "text in commands" filter of the sessions list: a case-insensitive substring of any of a session's
 * commands. Two plans, because neither is fast for every text:
 *
 * <ul>
 *   <li>a <em>rare</em> text (a table name, {@code DROP TABLE}) is found through a trigram index (SQLite's FTS5
 *       {@code trigram} tokenizer; PostgreSQL's {@code pg_trgm} where the extension could be installed), and
 *       only the sessions of those commands are looked at;
 *   <li>a <em>common</em> text ({@code SELECT}) is found by walking the sessions newest first and stopping at
 *       the page's end, which takes few steps exactly because matches are common.
 * </ul>
 *
 * A bounded probe ({@link #RARE} + 1 matches at most) decides which. Without the index (short texts, or
 * PostgreSQL without pg_trgm) the answers are the same, only slower.
 */
final class CommandTextSearch {
    static final int RARE = 2000;

    private final String dialect;

    CommandTextSearch(String dialect) {
        this.dialect = dialect;
    }

    /** Appends the condition for sessions with a command containing {@code text}, and its arguments. */
    void condition(Connection sql, String text, StringBuilder where, List<Object> args) throws SQLException {
        String like = "%" + likeEscape(text.toLowerCase(Locale.ROOT)) + "%";
        if (dialect.equals("sqlite") && text.codePointCount(0, text.length()) >= 3) {
            // a quoted FTS5 phrase of trigrams matches exactly the substrings; quotes inside are doubled
            String phrase = "\"" + text.replace("\"", "\"\"") + "\"";
            if (count(
                            sql,
                            "SELECT count(*) FROM (SELECT 1 FROM session_commands_text"
                                    + " WHERE session_commands_text MATCH ? LIMIT " + (RARE + 1) + ")",
                            phrase)
                    <= RARE) {
                where.append(" AND (s.log_id, s.session) IN (SELECT c.log_id, c.session FROM session_commands c"
                        + " WHERE c.rowid IN (SELECT rowid FROM session_commands_text"
                        + " WHERE session_commands_text MATCH ?))");
                args.add(phrase);
                return;
            }
        } else if (dialect.equals("postgresql")
                && count(
                                sql,
                                "SELECT count(*) FROM (SELECT 1 FROM session_commands WHERE LOWER(text) LIKE ?"
                                        + " ESCAPE '\\' LIMIT " + (RARE + 1) + ") x",
                                like)
                        <= RARE) {
            where.append(" AND (s.log_id, s.session) IN (SELECT c.log_id, c.session FROM session_commands c"
                    + " WHERE LOWER(c.text) LIKE ? ESCAPE '\\')");
            args.add(like);
            return;
        }
        where.append(" AND EXISTS (SELECT 1 FROM session_commands c WHERE c.log_id = s.log_id"
                + " AND c.session = s.session AND LOWER(c.text) LIKE ? ESCAPE '\\')");
        args.add(like);
    }

    private static long count(Connection sql, String select, String argument) throws SQLException {
        try (PreparedStatement statement = sql.prepareStatement(select)) {
            statement.setString(1, argument);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static String likeEscape(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
