package io.gatehouse.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteDatabaseTest {
    @TempDir
    Path dir;

    /**
     * Found by the store-fault test of issue 7: after the disk was full once (COMMIT failed with an I/O error),
     * every later write failed with "statement is not executing" until the gateway restarted. Here the COMMIT
     * fails because no transaction is active any more, as when SQLite rolled it back itself after
     * {@code SQLITE_FULL} or an I/O error; sqlite-jdbc finalizes the prepared COMMIT on that error as on those.
     */
    @Test
    void aWriteWhoseCommitFailsDoesNotBreakTheWritesAfterIt() {
        try (SqliteDatabase db = SqliteDatabase.open(dir.resolve("store.db"), 1, source -> {})) {
            db.write(c -> execute(c, "CREATE TABLE t (v INTEGER)"));
            db.write(c -> execute(c, "INSERT INTO t VALUES (1)"));

            assertThatThrownBy(() -> db.write(c -> {
                        execute(c, "INSERT INTO t VALUES (2)");
                        return execute(c, "ROLLBACK"); // the transaction is gone before COMMIT
                    }))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("no transaction is active");

            db.write(c -> execute(c, "INSERT INTO t VALUES (3)"));
            db.write(c -> execute(c, "INSERT INTO t VALUES (4)"));
            assertThat(db.read(SqliteDatabaseTest::values)).containsExactly(1L, 3L, 4L);
        }
    }

    private static Void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
        return null;
    }

    private static List<Long> values(Connection c) throws SQLException {
        List<Long> values = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT v FROM t ORDER BY v")) {
            while (rs.next()) {
                values.add(rs.getLong(1));
            }
        }
        return values;
    }
}
