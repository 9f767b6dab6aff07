package io.gatehouse.gateway.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventCodec;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.MalformedRecordException;
import io.gatehouse.audit.Value;
import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.gateway.recorder.Recorder;
import io.gatehouse.gateway.security.FailureRateLimiter;
import io.gatehouse.gateway.security.SecretBox;
import io.gatehouse.gateway.testing.ConnectorProcess;
import io.gatehouse.gateway.testing.TestGateway;
import io.gatehouse.store.LogEntry;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import io.gatehouse.testkit.PostgresDatabase;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** A real gateway with one identity, token, postgres connection and grant, over a fresh embedded database. */
final class PgFixture implements AutoCloseable {
    final TestGateway gateway;
    final PostgresDatabase database;
    final String token;
    final EmbeddedPostgresServer server;
    /** The connector process every connection goes through, or null for the built-in connector. */
    final ConnectorProcess connector;

    static final String CONNECTOR = "pg-net";

    PgFixture(Path dir) {
        this(dir, EmbeddedPostgresServer.shared());
    }

    /** The same, with the database (and every connection's target) on {@code server}. */
    PgFixture(Path dir, EmbeddedPostgresServer server) {
        this(dir, server, Map.of());
    }

    /** The same, with gateway settings {@code config} on top of the test defaults. */
    PgFixture(Path dir, EmbeddedPostgresServer server, Map<ConfigKey, String> config) {
        this(dir, server, config, null);
    }

    /**
     * The same, with every connection bound to a connector {@code pg-net} that runs as a separate process
     * with {@code connectorEnv} as (part of) its environment; null for the gateway's built-in connector.
     */
    PgFixture(
            Path dir, EmbeddedPostgresServer server, Map<ConfigKey, String> config, Map<String, String> connectorEnv) {
        this.server = server;
        gateway = TestGateway.start(dir, Clock.systemUTC(), config);
        database = server.createPostgresDatabase();
        if (connectorEnv != null) {
            TestGateway.Response r =
                    gateway.post("/api/v1/connectors", gateway.adminToken(), Map.of("name", CONNECTOR));
            assertThat(r.status()).as(r.text()).isEqualTo(201);
            connector = ConnectorProcess.start(
                    dir.resolve("connector"),
                    gateway.gateway().tunnelPort(),
                    r.body().get("token").asText(),
                    dir.resolve("tls").resolve("ca.crt"),
                    connectorEnv);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gateway.gateway().connectors().isOnline(CONNECTOR));
        } else {
            connector = null;
        }
        identity("devin");
        token = mint("devin");
        connection("pg-test", Map.of());
        grant("devin", "pg-test");
    }

    /** A fixture whose connections go through a separate connector process. */
    static PgFixture throughConnector(
            Path dir, EmbeddedPostgresServer server, Map<ConfigKey, String> config, Map<String, String> env) {
        return new PgFixture(dir, server, config, env);
    }

    /** The gateway's own choice of connector per connection, for tests that start their own listener. */
    UpstreamConnector router() {
        return new ConnectorRouter(
                new BuiltInConnector(Duration.ofSeconds(10)), gateway.gateway().connectors(), Duration.ofSeconds(10));
    }

    /**
     * The gateway's services for a listener of the test's own ({@code PgListener.start}), with {@code recorder}
     * in place of the gateway's log writer and {@code deadline} for fail-closed records.
     */
    PgServices services(Recorder recorder, Duration deadline) throws NoSuchAlgorithmException {
        return PgServices.of(
                        gateway.gateway().store(),
                        recorder,
                        SecretBox.ofKey(new byte[32]),
                        new FailureRateLimiter(),
                        SSLContext.getDefault(),
                        Clock.systemUTC(),
                        deadline)
                .withConnector(router());
    }

    boolean throughConnector() {
        return connector != null;
    }

    void identity(String name) {
        TestGateway.Response r = gateway.post(
                "/api/v1/identities", gateway.adminToken(), Map.of("name", name, "kind", "agent", "role", "user"));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }

    String mint(String identity) {
        TestGateway.Response r = gateway.post("/api/v1/tokens", gateway.adminToken(), Map.of("identity", identity));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.body().get("token").asText();
    }

    void connection(String name, Map<String, String> extra) {
        Map<String, String> body = new HashMap<>(Map.of(
                "name",
                name,
                "type",
                "postgres",
                "target",
                "127.0.0.1:" + server.port(),
                "username",
                "postgres",
                "database",
                database.name()));
        if (connector != null) {
            body.put("connector", CONNECTOR);
        }
        body.putAll(extra);
        TestGateway.Response r = gateway.post("/api/v1/connections", gateway.adminToken(), body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }

    void grant(String identity, String connection) {
        TestGateway.Response r = gateway.post(
                "/api/v1/grants", gateway.adminToken(), Map.of("identity", identity, "connection", connection));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }

    int pgPort() {
        return gateway.gateway().pgPort();
    }

    String url(String dbname, String sslmode) {
        return "jdbc:postgresql://127.0.0.1:" + pgPort() + "/" + dbname + "?sslmode=" + sslmode
                + "&connectTimeout=10&socketTimeout=30";
    }

    Connection connect(String user, String password) throws SQLException {
        return DriverManager.getConnection(url("pg-test", "disable"), user, password);
    }

    Connection direct() throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
    }

    /** Every event of the gateway's log, decoded. */
    List<Event> events() {
        String origin = gateway.gateway().writer().origin();
        List<Event> events = new ArrayList<>();
        for (LogEntry entry : gateway.gateway().store().log().read(origin, 0, 100_000)) {
            try {
                events.add(EventCodec.decode(entry.entry()));
            } catch (MalformedRecordException e) {
                throw new IllegalStateException(e);
            }
        }
        return events;
    }

    List<Event> events(EventKind kind) {
        return events().stream().filter(e -> e.kind() == kind).toList();
    }

    static String text(Event event, String field) {
        Value value = event.field(field);
        return value instanceof Value.Str(String s) ? s : null;
    }

    static Long number(Event event, String field) {
        Value value = event.field(field);
        return value instanceof Value.Int(long n) ? n : null;
    }

    static List<String> parameters(Event event) {
        Value value = event.field("parameters");
        List<String> out = new ArrayList<>();
        if (value instanceof Value.List(List<Value> values)) {
            for (Value v : values) {
                out.add(v instanceof Value.Str(String s) ? s : null);
            }
        }
        return out;
    }

    @Override
    public void close() {
        gateway.close();
        if (connector != null) {
            connector.close();
        }
    }
}
