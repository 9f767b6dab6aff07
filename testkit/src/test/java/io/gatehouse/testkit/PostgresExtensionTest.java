package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PostgresExtensionTest {
    @Test
    void eachResolvedParameterIsItsOwnEmptyDatabase(PostgresDatabase first, PostgresDatabase second)
            throws SQLException {
        assertThat(first.name()).isNotEqualTo(second.name());
        try (Connection connection = DriverManager.getConnection(first.jdbcUrl(), first.username(), first.password());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE marker (id int)");
        }
        try (Connection connection =
                        DriverManager.getConnection(second.jdbcUrl(), second.username(), second.password());
                Statement statement = connection.createStatement();
                ResultSet tables = statement.executeQuery(
                        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'marker'")) {
            assertThat(tables.next()).isTrue();
            assertThat(tables.getLong(1)).isZero();
        }
    }

    @Test
    void serverListensOnLoopbackOnly(PostgresDatabase database) throws SQLException {
        try (Connection connection =
                        DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SHOW listen_addresses")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1)).isEqualTo("127.0.0.1");
        }
        assertThat(EmbeddedPostgresServer.shared().port()).isPositive();
    }
}
