package io.gatehouse.gateway.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.gateway.security.DevCertificateAuthority;
import io.gatehouse.gateway.security.TlsMaterial;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS from the gateway to the database, per connection ({@code upstreamTls}): against a real PostgreSQL
 * with {@code ssl=on}, {@code require} encrypts (the database itself reports the session as SSL), and
 * {@code verify-full} refuses a certificate from a CA the gateway's JVM does not trust; toward a database
 * without TLS, a connection that requires it fails instead of falling back to plain text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgUpstreamTlsTest {
    PgFixture tlsDatabase;
    PgFixture plainDatabase;

    @BeforeAll
    void start(@TempDir Path dir) {
        TlsMaterial certificate =
                DevCertificateAuthority.ensure(dir.resolve("db-tls"), List.of("127.0.0.1"), Clock.systemUTC());
        tlsDatabase = new PgFixture(
                dir.resolve("a"),
                EmbeddedPostgresServer.startWithTls(certificate.serverCertificate(), certificate.serverKey()));
        tlsDatabase.connection("pg-require", Map.of("upstreamTls", "require"));
        tlsDatabase.grant("devin", "pg-require");
        tlsDatabase.connection("pg-verify", Map.of("upstreamTls", "verify-full"));
        tlsDatabase.grant("devin", "pg-verify");
        tlsDatabase.connection("pg-plain", Map.of());
        tlsDatabase.grant("devin", "pg-plain");

        plainDatabase = new PgFixture(dir.resolve("b"));
        plainDatabase.connection("pg-wants-tls", Map.of("upstreamTls", "require"));
        plainDatabase.grant("devin", "pg-wants-tls");
    }

    @AfterAll
    void stop() {
        tlsDatabase.close();
        plainDatabase.close();
    }

    static boolean sessionUsesSsl(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    @Test
    void requireEncryptsTheUpstreamConnection() throws SQLException {
        try (Connection c =
                DriverManager.getConnection(tlsDatabase.url("pg-require", "disable"), "devin", tlsDatabase.token)) {
            assertThat(sessionUsesSsl(c))
                    .as("the database sees the gateway's session as TLS")
                    .isTrue();
        }
        try (Connection c =
                DriverManager.getConnection(tlsDatabase.url("pg-plain", "disable"), "devin", tlsDatabase.token)) {
            assertThat(sessionUsesSsl(c)).as("the default stays plain").isFalse();
        }
    }

    @Test
    void verifyFullRefusesACertificateFromAnUntrustedCa() {
        assertThatThrownBy(() -> DriverManager.getConnection(
                        tlsDatabase.url("pg-verify", "disable"), "devin", tlsDatabase.token))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("08"))
                .hasMessageContaining("TLS to the database")
                .hasMessageContaining("verify-full");
    }

    @Test
    void aDatabaseWithoutTlsIsRefusedNotFallenBackTo() {
        assertThatThrownBy(() -> DriverManager.getConnection(
                        plainDatabase.url("pg-wants-tls", "disable"), "devin", plainDatabase.token))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("08"))
                .hasMessageContaining("does not accept TLS");
    }
}
