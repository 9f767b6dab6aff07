package io.gatehouse.store.internal;

import io.gatehouse.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The schema of the embedded store's sessions index file ({@code db/index/sqlite-sessions-index.sql}). Not
 * migrated like the store: the file holds derived data, so a file of another version is thrown away and
 * rebuilt from the log. {@code PRAGMA user_version} carries the version (https://sqlite.org/pragma.html#pragma_user_version).
 */
final class SqliteIndexSchema {
    /** Bump on any change to the schema file: existing index files are then rebuilt. */
    static final int VERSION = 2; // 2: command_text filled by the indexer, no trigger

    private static final String RESOURCE = "/db/index/sqlite-sessions-index.sql";

    private SqliteIndexSchema() {}

    /** The index file is of another version than this gateway's. */
    static final class StaleIndexException extends StoreException {
        private static final long serialVersionUID = 1L;

        StaleIndexException(String message) {
            super(message);
        }
    }

    /** Creates the schema in an empty file; accepts a file of this version; refuses any other. */
    static void ensure(Connection writer) throws SQLException {
        int version = userVersion(writer);
        if (version == VERSION) {
            return;
        }
        if (version != 0 || hasTables(writer)) {
            throw new StaleIndexException("schema version " + version + ", this gateway uses " + VERSION);
        }
        create(writer);
    }

    private static void create(Connection writer) throws SQLException {
        try (Statement statement = writer.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            try {
                for (String sql : statements()) {
                    statement.execute(sql);
                }
                statement.execute("PRAGMA user_version = " + VERSION);
                statement.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                statement.execute("ROLLBACK");
                throw e;
            }
        }
    }

    private static String[] statements() {
        try (InputStream in = SqliteIndexSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the store module");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return java.util.Arrays.stream(text.split("(?m)^;;\\s*$"))
                    .map(SqliteIndexSchema::withoutComments)
                    .filter(sql -> !sql.isBlank())
                    .toArray(String[]::new);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }

    /** Drops whole-line comments, so that the file's leading commentary is not a statement of its own. */
    private static String withoutComments(String chunk) {
        StringBuilder sql = new StringBuilder();
        for (String line : chunk.split("\n")) {
            if (!line.strip().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        return sql.toString().strip();
    }

    private static int userVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("PRAGMA user_version")) {
            return row.next() ? row.getInt(1) : 0;
        }
    }

    private static boolean hasTables(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT count(*) FROM sqlite_schema")) {
            return row.next() && row.getInt(1) > 0;
        }
    }
}
