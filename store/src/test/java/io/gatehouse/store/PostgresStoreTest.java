package io.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testkit.EmbeddedPostgresServer;
import io.gatehouse.testkit.PostgresDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresStoreTest extends StoreContractTest {
    @Override
    StoreSettings newStoreSettings() {
        PostgresDatabase database = EmbeddedPostgresServer.shared().createPostgresDatabase();
        return new StoreSettings(database.jdbcUrl(), database.username(), database.password(), 4);
    }

    @Override
    String expectedDialect() {
        return "postgresql";
    }

    @Test
    void truncateOfLogTablesIsRejected() throws SQLException {
        store.log().createIfAbsent("o");
        store.log().append("o", entries(0, 2, null), List.of(node(1, 0)));
        store.log().addCheckpoint("o", checkpoint(2, START_MICROS));

        try (Connection connection = rawConnection()) {
            for (String table : List.of("log_entries", "log_nodes", "log_checkpoints", "logs")) {
                try (Statement statement = connection.createStatement()) {
                    assertThatThrownBy(() -> statement.execute("TRUNCATE " + table + " CASCADE"))
                            .as(table)
                            .isInstanceOf(SQLException.class)
                            .hasMessageContaining("append-only");
                }
            }
        }
        assertThat(store.log().size("o")).isEqualTo(2);
        assertThat(store.log().read("o", 0, 10)).hasSize(2);
    }

    @Test
    void unreachableServerIsReportedWithoutThePassword() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        StoreSettings unreachable = new StoreSettings(
                "jdbc:postgresql://127.0.0.1:" + closedPort + "/gatehouse?password=hunter2", "gatehouse", "s3cret", 2);

        assertThatThrownBy(() -> Store.open(unreachable))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("is unavailable")
                .message()
                .doesNotContain("hunter2")
                .doesNotContain("s3cret");
    }
}
