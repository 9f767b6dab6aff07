package io.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventCodec;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.Value;
import io.gatehouse.audit.merkle.Rfc6962;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every store dialect must have. Subclasses only say where a fresh store lives; every test
 * starts from an empty store.
 */
abstract class StoreContractTest {
    /** Nanoseconds on purpose: the store keeps microseconds, and must truncate, not round or fail. */
    static final Instant START = Instant.parse("2026-11-24T10:15:30.123456789Z");

    static final Instant START_MICROS = START.truncatedTo(ChronoUnit.MICROS);
    static final String ORIGIN = "gatehouse.example/log/1";

    final MutableClock clock = new MutableClock(START);
    StoreSettings settings;
    Store store;

    /** Settings of a new, empty store location (a new file, a new database). */
    abstract StoreSettings newStoreSettings();

    abstract String expectedDialect();

    @BeforeEach
    void openStore() {
        settings = newStoreSettings();
        store = Store.open(settings, clock);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    Connection rawConnection() throws SQLException {
        return DriverManager.getConnection(settings.url(), settings.username(), settings.password());
    }

    // ---------------------------------------------------------------- store

    @Test
    void reportsItsDialectAndHealth() {
        assertThat(store.dialect()).isEqualTo(expectedDialect());
        assertThat(store.healthy()).isTrue();
        store.close();
        assertThat(store.healthy()).isFalse();
    }

    @Test
    void dataSurvivesCloseAndReopen() {
        store.identities().create("devin", IdentityKind.AGENT, Role.USER, bytes("salt"));
        store.connections().create(connection("orders-db", new Credential.Reference("env:PGPASS")));
        store.grants().add("devin", "orders-db");
        store.log().createIfAbsent(ORIGIN);
        store.log().append(ORIGIN, entries(0, 3, "s1"), List.of(node(1, 0)));
        store.log().addCheckpoint(ORIGIN, checkpoint(3, START_MICROS));
        store.close();

        store = Store.open(settings, clock);

        assertThat(store.identities().byName("devin")).isPresent();
        assertThat(store.connections().byName("orders-db").orElseThrow().credential())
                .isEqualTo(new Credential.Reference("env:PGPASS"));
        assertThat(store.grants().exists("devin", "orders-db")).isTrue();
        assertThat(store.log().size(ORIGIN)).isEqualTo(3);
        assertThat(store.log().read(ORIGIN, 0, 10)).isEqualTo(entries(0, 3, "s1"));
        assertThat(store.log().node(ORIGIN, 1, 0)).hasValueSatisfying(hash -> assertThat(hash)
                .isEqualTo(node(1, 0).hash()));
        assertThat(store.log().latestCheckpoint(ORIGIN)).contains(checkpoint(3, START_MICROS));
        // The log keeps going where it stopped.
        store.log().append(ORIGIN, entries(3, 1, "s1"), List.of());
        assertThat(store.log().size(ORIGIN)).isEqualTo(4);
    }

    @Test
    void schemaNewerThanThisBuildIsRefusedAndLeftAlone() throws SQLException {
        store.identities().create("devin", IdentityKind.AGENT, Role.USER, bytes("salt"));
        store.close();
        try (Connection connection = rawConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO flyway_schema_history"
                        + " (installed_rank, version, description, type, script, checksum, installed_by,"
                        + " execution_time, success) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setInt(1, 8);
            insert.setString(2, "8");
            insert.setString(3, "from the future");
            insert.setString(4, "SQL");
            insert.setString(5, "V8__from_the_future.sql");
            insert.setInt(6, 42);
            insert.setString(7, "a newer gatehouse");
            insert.setInt(8, 1);
            insert.setBoolean(9, true);
            insert.executeUpdate();
        }

        assertThatThrownBy(() -> Store.open(settings, clock))
                .isInstanceOf(StoreVersionException.class)
                .hasMessageStartingWith(
                        "store schema version 8 is newer than this gatehouse supports (7); upgrade gatehouse");

        try (Connection connection = rawConnection();
                Statement statement = connection.createStatement();
                ResultSet history =
                        statement.executeQuery("SELECT count(*), max(installed_rank) FROM flyway_schema_history")) {
            history.next();
            assertThat(history.getLong(1))
                    .as("history rows: V1, V3, V4, V5, V6, V7 and the future one, nothing added")
                    .isEqualTo(7);
            assertThat(history.getInt(2)).isEqualTo(8);
        }
        store = Store.open(newStoreSettings(), clock); // for @AfterEach
    }

    @Test
    void databaseHoldingOtherTablesIsNotTakenOver() throws SQLException {
        store.close();
        settings = newStoreSettings();
        try (Connection connection = rawConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER)");
        }

        assertThatThrownBy(() -> Store.open(settings, clock))
                .isInstanceOf(StoreCorruptException.class)
                .hasMessageContaining("is not a Gatehouse store or is corrupt");

        try (Connection connection = rawConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM invoices")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getLong(1)).isZero();
        }
        store = Store.open(newStoreSettings(), clock);
    }

    // ---------------------------------------------------------------- identities

    @Test
    void createdIdentityIsFoundByNameAndById() {
        Identity created = store.identities().create("devin", IdentityKind.AGENT, Role.USER, bytes("salt-1"));

        assertThat(created.name()).isEqualTo("devin");
        assertThat(created.kind()).isEqualTo(IdentityKind.AGENT);
        assertThat(created.role()).isEqualTo(Role.USER);
        assertThat(created.disabled()).isFalse();
        assertThat(created.scramSalt()).isEqualTo(bytes("salt-1"));
        assertThat(created.createdAt()).isEqualTo(START_MICROS);
        assertThat(store.identities().byName("devin")).contains(created);
        assertThat(store.identities().byId(created.id())).contains(created);
        assertThat(store.identities().byName("nobody")).isEmpty();
        assertThat(store.identities().byId(created.id() + 1000)).isEmpty();
    }

    @Test
    void duplicateIdentityNameIsRejected() {
        store.identities().create("devin", IdentityKind.AGENT, Role.USER, bytes("salt"));

        assertThatThrownBy(() -> store.identities().create("devin", IdentityKind.HUMAN, Role.ADMIN, bytes("x")))
                .isInstanceOf(DuplicateException.class)
                .hasMessage("identity 'devin' already exists");
        assertThat(store.identities().count()).isEqualTo(1);
        assertThat(store.identities().byName("devin").orElseThrow().kind()).isEqualTo(IdentityKind.AGENT);
    }

    @Test
    void identitiesAreListedByNameAndCounted() {
        store.identities().create("zoe", IdentityKind.HUMAN, Role.ADMIN, bytes("a"));
        store.identities().create("ada", IdentityKind.HUMAN, Role.AUDITOR, bytes("b"));
        store.identities().create("mcp-agent-7", IdentityKind.AGENT, Role.USER, bytes("c"));

        assertThat(store.identities().list()).extracting(Identity::name).containsExactly("ada", "mcp-agent-7", "zoe");
        assertThat(store.identities().count()).isEqualTo(3);
        assertThat(store.identities().list()).extracting(Identity::id).doesNotHaveDuplicates();
    }

    @Test
    void identityCanBeDisabledAndEnabledAgain() {
        store.identities().create("devin", IdentityKind.AGENT, Role.USER, bytes("salt"));

        assertThat(store.identities().setDisabled("devin", true).disabled()).isTrue();
        assertThat(store.identities().byName("devin").orElseThrow().disabled()).isTrue();
        assertThat(store.identities().setDisabled("devin", false).disabled()).isFalse();
        assertThat(store.identities().byName("devin").orElseThrow().disabled()).isFalse();
    }

    @Test
    void disablingAnUnknownIdentityNamesIt() {
        assertThatThrownBy(() -> store.identities().setDisabled("x", true))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("no identity named 'x'");
    }

    // ---------------------------------------------------------------- tokens

    @Test
    void tokenRoundTripsByIdAndBySha256() {
        Identity devin = store.identities().create("devin", IdentityKind.AGENT, Role.USER, bytes("salt"));
        TokenRecord token = token("tok-1", devin.id(), "sha-1", START_MICROS.plus(Duration.ofDays(30)));

        store.tokens().insert(token);

        assertThat(store.tokens().byId("tok-1")).contains(token);
        assertThat(store.tokens().bySha256(bytes("sha-1"))).contains(token);
        assertThat(store.tokens().byId("tok-2")).isEmpty();
        assertThat(store.tokens().bySha256(bytes("sha-2"))).isEmpty();
    }

    @Test
    void tokenTimesRoundTripAtMicrosecondPrecision() {
        Identity devin = store.identities().create("devin", IdentityKind.AGENT, Role.USER, bytes("salt"));
        Instant precise = Instant.parse("2031-02-03T04:05:06.789012Z");
        TokenRecord token = new TokenRecord(
                "tok-1",
                devin.id(),
                "gh_ab",
                bytes("sha"),
                bytes("s"),
                4096,
                bytes("stored"),
                bytes("server"),
                precise,
                precise.plusNanos(1_000),
                precise.plusNanos(2_000),
                precise.plusNanos(3_000));

        store.tokens().insert(token);

        assertThat(store.tokens().byId("tok-1")).contains(token);
    }

    @Test
    void duplicateTokenIdOrHashIsRejected() {
        Identity devin = store.identities().create("devin", IdentityKind.AGENT, Role.USER, bytes("salt"));
        store.tokens().insert(token("tok-1", devin.id(), "sha-1", null));

        assertThatThrownBy(() -> store.tokens().insert(token("tok-1", devin.id(), "sha-2", null)))
                .isInstanceOf(DuplicateException.class)
                .hasMessageStartingWith("token 'tok-1' already exists");
        assertThatThrownBy(() -> store.tokens().insert(token("tok-2", devin.id(), "sha-1", null)))
                .isInstanceOf(DuplicateException.class)
                .hasMessageStartingWith("token 'tok-2' already exists");
        assertThat(store.tokens().list()).extracting(TokenRecord::id).containsExactly("tok-1");
    }

    // ---------------------------------------------------------------- connectors

    @Test
    void connectorsAreFoundByNameAndTokenHashAndKeepWhenTheyWereLastSeen() {
        ConnectorRecord created = store.connectors()
                .create(new ConnectorRecord("pg-net", "tok1", bytes("sha-1"), null, null, null, null));
        assertThat(created.createdAt()).isEqualTo(START_MICROS);
        assertThat(created.lastSeenAt()).isNull();
        store.connectors().create(new ConnectorRecord("edge", "tok2", bytes("sha-2"), null, null, null, null));

        assertThat(store.connectors().byTokenSha256(bytes("sha-1"))).contains(created);
        assertThat(store.connectors().byTokenSha256(bytes("sha-3"))).isEmpty();
        assertThat(store.connectors().list()).extracting(ConnectorRecord::name).containsExactly("edge", "pg-net");

        Instant seen = START.plusSeconds(60);
        assertThat(store.connectors().seen("pg-net", seen, "127.0.0.1:50000", "0.1.0"))
                .isTrue();
        assertThat(store.connectors().seen("nobody", seen, null, null)).isFalse();
        ConnectorRecord after = store.connectors().byName("pg-net").orElseThrow();
        assertThat(after.lastSeenAt()).isEqualTo(seen.truncatedTo(ChronoUnit.MICROS));
        assertThat(after.lastAddress()).isEqualTo("127.0.0.1:50000");
        assertThat(after.lastVersion()).isEqualTo("0.1.0");
    }

    @Test
    void duplicateConnectorNameOrTokenIsRejectedAndRemovalForgetsTheToken() {
        store.connectors().create(new ConnectorRecord("pg-net", "tok1", bytes("sha-1"), null, null, null, null));
        assertThatThrownBy(() -> store.connectors()
                        .create(new ConnectorRecord("pg-net", "tok2", bytes("sha-2"), null, null, null, null)))
                .isInstanceOf(DuplicateException.class)
                .hasMessage("connector 'pg-net' already exists");
        assertThatThrownBy(() -> store.connectors()
                        .create(new ConnectorRecord("other", "tok3", bytes("sha-1"), null, null, null, null)))
                .isInstanceOf(DuplicateException.class);

        assertThat(store.connectors().remove("pg-net")).isTrue();
        assertThat(store.connectors().remove("pg-net")).isFalse();
        assertThat(store.connectors().byTokenSha256(bytes("sha-1"))).isEmpty();
        assertThat(store.connectors().list()).isEmpty();
    }

    @Test
    void tokenOfUnknownIdentityIsRejected() {
        assertThatThrownBy(() -> store.tokens().insert(token("tok-1", 999, "sha-1", null)))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("no identity with id 999");
        assertThat(store.tokens().list()).isEmpty();
    }

    @Test
    void tokensAreListedOldestFirstAndPerIdentity() {
        Identity devin = store.identities().create("devin", IdentityKind.AGENT, Role.USER, bytes("a"));
        Identity ada = store.identities().create("ada", IdentityKind.HUMAN, Role.ADMIN, bytes("b"));
        store.tokens().insert(withCreatedAt(token("c", devin.id(), "sha-c", null), START_MICROS.plusSeconds(2)));
        store.tokens().insert(withCreatedAt(token("a", ada.id(), "sha-a", null), START_MICROS.plusSeconds(1)));
        store.tokens().insert(withCreatedAt(token("b", devin.id(), "sha-b", null), START_MICROS));

        assertThat(store.tokens().list()).extracting(TokenRecord::id).containsExactly("b", "a", "c");
        assertThat(store.tokens().forIdentity(devin.id()))
                .extracting(TokenRecord::id)
                .containsExactly("b", "c");
        assertThat(store.tokens().forIdentity(ada.id()))
                .extracting(TokenRecord::id)
                .containsExactly("a");
        assertThat(store.tokens().forIdentity(12345)).isEmpty();
    }

    @Test
    void revokingIsOnceOnlyAndDeactivatesTheToken() {
        Identity devin = store.identities().create("devin", IdentityKind.AGENT, Role.USER, bytes("salt"));
        store.tokens().insert(token("tok-1", devin.id(), "sha-1", null));
        Instant first = START_MICROS.plusSeconds(60);

        assertThat(store.tokens().byId("tok-1").orElseThrow().activeAt(first)).isTrue();
        assertThat(store.tokens().revoke("tok-1", first)).isTrue();
        assertThat(store.tokens().revoke("tok-1", first.plusSeconds(60))).isFalse();
        assertThat(store.tokens().revoke("unknown", first)).isFalse();

        TokenRecord revoked = store.tokens().byId("tok-1").orElseThrow();
        assertThat(revoked.revokedAt()).isEqualTo(first);
        assertThat(revoked.activeAt(first.minusSeconds(1))).isFalse();
        assertThat(revoked.activeAt(first.plusSeconds(1))).isFalse();
    }

    @Test
    void tokenIsActiveUntilItExpires() {
        Instant expiry = START_MICROS.plus(Duration.ofHours(1));
        TokenRecord expiring = token("tok-1", 1, "sha-1", expiry);
        TokenRecord forever = token("tok-2", 1, "sha-2", null);

        assertThat(expiring.activeAt(expiry.minusNanos(1_000))).isTrue();
        assertThat(expiring.activeAt(expiry)).isFalse();
        assertThat(expiring.activeAt(expiry.plusSeconds(1))).isFalse();
        assertThat(forever.activeAt(Instant.parse("2999-01-01T00:00:00Z"))).isTrue();
    }

    @Test
    void touchRecordsLastUse() {
        Identity devin = store.identities().create("devin", IdentityKind.AGENT, Role.USER, bytes("salt"));
        store.tokens().insert(token("tok-1", devin.id(), "sha-1", null));
        Instant used = START_MICROS.plusSeconds(5);

        store.tokens().touch("tok-1", used);
        assertThat(store.tokens().byId("tok-1").orElseThrow().lastUsedAt()).isEqualTo(used);
        store.tokens().touch("tok-1", used.plusSeconds(5));
        assertThat(store.tokens().byId("tok-1").orElseThrow().lastUsedAt()).isEqualTo(used.plusSeconds(5));

        assertThatThrownBy(() -> store.tokens().touch("unknown", used))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("no token with id 'unknown'");
    }

    @Test
    void tokenToStringLeavesSecretsOut() {
        TokenRecord token = token("tok-1", 1, "sha-1", null);
        assertThat(token.toString()).contains("tok-1").doesNotContain("[B@").doesNotContain("stored");
    }

    // ---------------------------------------------------------------- connections

    @ParameterizedTest
    @ValueSource(strings = {"none", "encrypted", "reference"})
    void connectionRoundTripsWithEachCredentialKind(String kind) {
        Credential credential =
                switch (kind) {
                    case "none" -> new Credential.None();
                    case "encrypted" -> new Credential.Encrypted(new byte[] {0, 1, 2, (byte) 0xff, 0});
                    default -> new Credential.Reference("env:PGPASS");
                };
        ConnectionRecord given = new ConnectionRecord(
                "orders-db",
                ConnectionType.POSTGRES,
                "db.internal:5432",
                "dc-east",
                "app",
                "orders",
                credential,
                RecordingContent.COMMANDS,
                Durability.FAIL_CLOSED,
                null,
                null);

        ConnectionRecord created = store.connections().create(given);

        ConnectionRecord expected = new ConnectionRecord(
                "orders-db",
                ConnectionType.POSTGRES,
                "db.internal:5432",
                "dc-east",
                "app",
                "orders",
                credential,
                RecordingContent.COMMANDS,
                Durability.FAIL_CLOSED,
                START_MICROS,
                START_MICROS);
        assertThat(created).isEqualTo(expected);
        assertThat(store.connections().byName("orders-db")).contains(expected);
    }

    @Test
    void connectionWithOnlyRequiredFieldsRoundTrips() {
        ConnectionRecord created = store.connections()
                .create(new ConnectionRecord(
                        "shell",
                        ConnectionType.SHELL,
                        "localhost",
                        null,
                        null,
                        null,
                        new Credential.None(),
                        RecordingContent.FULL,
                        Durability.BEST_EFFORT,
                        null,
                        null));

        assertThat(store.connections().byName("shell")).contains(created);
        assertThat(created.connector()).isNull();
        assertThat(created.username()).isNull();
        assertThat(created.database()).isNull();
        assertThat(created.durability()).isEqualTo(Durability.BEST_EFFORT);
    }

    @Test
    void duplicateConnectionNameIsRejected() {
        store.connections().create(connection("orders-db", new Credential.None()));

        assertThatThrownBy(() -> store.connections().create(connection("orders-db", new Credential.None())))
                .isInstanceOf(DuplicateException.class)
                .hasMessage("connection 'orders-db' already exists");
    }

    @Test
    void updateReplacesFieldsKeepsCreationTimeAndStampsUpdateTime() {
        store.connections().create(connection("orders-db", new Credential.None()));
        clock.advance(Duration.ofMinutes(5));
        ConnectionRecord changed = new ConnectionRecord(
                "orders-db",
                ConnectionType.MYSQL,
                "mysql.internal:3306",
                null,
                "reporter",
                null,
                new Credential.Encrypted(bytes("sealed")),
                RecordingContent.FULL,
                Durability.BEST_EFFORT,
                UpstreamTls.VERIFY_FULL,
                null,
                null);
        assertThat(store.connections().byName("orders-db").orElseThrow().upstreamTls())
                .as("the default")
                .isEqualTo(UpstreamTls.DISABLE);

        ConnectionRecord updated = store.connections().update(changed);
        assertThat(updated.upstreamTls()).isEqualTo(UpstreamTls.VERIFY_FULL);
        assertThat(store.connections().byName("orders-db").orElseThrow().upstreamTls())
                .isEqualTo(UpstreamTls.VERIFY_FULL);

        assertThat(updated.type()).isEqualTo(ConnectionType.MYSQL);
        assertThat(updated.target()).isEqualTo("mysql.internal:3306");
        assertThat(updated.connector()).isNull();
        assertThat(updated.username()).isEqualTo("reporter");
        assertThat(updated.database()).isNull();
        assertThat(updated.credential()).isEqualTo(new Credential.Encrypted(bytes("sealed")));
        assertThat(updated.content()).isEqualTo(RecordingContent.FULL);
        assertThat(updated.durability()).isEqualTo(Durability.BEST_EFFORT);
        assertThat(updated.createdAt()).isEqualTo(START_MICROS);
        assertThat(updated.updatedAt()).isEqualTo(START_MICROS.plus(Duration.ofMinutes(5)));
        assertThat(store.connections().byName("orders-db")).contains(updated);
    }

    @Test
    void updatingAnUnknownConnectionNamesIt() {
        assertThatThrownBy(() -> store.connections().update(connection("ghost", new Credential.None())))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("no connection named 'ghost'");
        assertThat(store.connections().list()).isEmpty();
    }

    @Test
    void connectionsAreListedByName() {
        store.connections().create(connection("web", new Credential.None()));
        store.connections().create(connection("api", new Credential.None()));
        store.connections().create(connection("orders-db", new Credential.None()));

        assertThat(store.connections().list())
                .extracting(ConnectionRecord::name)
                .containsExactly("api", "orders-db", "web");
    }

    @Test
    void removingAConnectionRemovesItsGrantsOnly() {
        store.identities().create("devin", IdentityKind.AGENT, Role.USER, bytes("a"));
        store.identities().create("ada", IdentityKind.HUMAN, Role.ADMIN, bytes("b"));
        store.connections().create(connection("orders-db", new Credential.None()));
        store.connections().create(connection("web", new Credential.None()));
        store.grants().add("devin", "orders-db");
        store.grants().add("ada", "orders-db");
        store.grants().add("devin", "web");

        assertThat(store.connections().remove("orders-db")).isTrue();
        assertThat(store.connections().remove("orders-db")).isFalse();

        assertThat(store.connections().byName("orders-db")).isEmpty();
        assertThat(store.grants().list()).containsExactly(new Grant("devin", "web", START_MICROS));
        assertThat(store.identities().count()).isEqualTo(2);
    }

    // ---------------------------------------------------------------- grants

    @Test
    void grantsAreAddedCheckedListedAndRemoved() {
        store.identities().create("devin", IdentityKind.AGENT, Role.USER, bytes("a"));
        store.identities().create("ada", IdentityKind.HUMAN, Role.ADMIN, bytes("b"));
        store.connections().create(connection("web", new Credential.None()));
        store.connections().create(connection("orders-db", new Credential.None()));

        assertThat(store.grants().add("devin", "web")).isEqualTo(new Grant("devin", "web", START_MICROS));
        store.grants().add("devin", "orders-db");
        store.grants().add("ada", "web");

        assertThat(store.grants().exists("devin", "web")).isTrue();
        assertThat(store.grants().exists("ada", "orders-db")).isFalse();
        assertThat(store.grants().exists("nobody", "web")).isFalse();
        assertThat(store.grants().list())
                .extracting(g -> g.identity() + "->" + g.connection())
                .containsExactly("ada->web", "devin->orders-db", "devin->web");
        assertThat(store.grants().forIdentity("devin"))
                .extracting(Grant::connection)
                .containsExactly("orders-db", "web");
        assertThat(store.grants().forIdentity("nobody")).isEmpty();

        assertThat(store.grants().remove("devin", "web")).isTrue();
        assertThat(store.grants().remove("devin", "web")).isFalse();
        assertThat(store.grants().remove("nobody", "web")).isFalse();
        assertThat(store.grants().exists("devin", "web")).isFalse();
        assertThat(store.grants().list()).hasSize(2);
    }

    @Test
    void grantNeedsAnExistingIdentityAndConnection() {
        store.identities().create("devin", IdentityKind.AGENT, Role.USER, bytes("a"));
        store.connections().create(connection("web", new Credential.None()));

        assertThatThrownBy(() -> store.grants().add("x", "web"))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("no identity named 'x'");
        assertThatThrownBy(() -> store.grants().add("devin", "y"))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("no connection named 'y'");
        assertThat(store.grants().list()).isEmpty();
    }

    @Test
    void duplicateGrantIsRejected() {
        store.identities().create("devin", IdentityKind.AGENT, Role.USER, bytes("a"));
        store.connections().create(connection("web", new Credential.None()));
        store.grants().add("devin", "web");

        assertThatThrownBy(() -> store.grants().add("devin", "web"))
                .isInstanceOf(DuplicateException.class)
                .hasMessage("identity 'devin' already has a grant on connection 'web'");
        assertThat(store.grants().list()).hasSize(1);
    }

    // ---------------------------------------------------------------- log

    @Test
    void logsAreCreatedOnceAndListedByOrigin() {
        store.log().createIfAbsent("b.example/log");
        store.log().createIfAbsent("a.example/log");
        store.log().append("a.example/log", entries(0, 2, null), List.of());
        store.log().createIfAbsent("a.example/log");

        assertThat(store.log().origins()).containsExactly("a.example/log", "b.example/log");
        assertThat(store.log().size("a.example/log")).isEqualTo(2);
        assertThat(store.log().size("b.example/log")).isZero();
        assertThat(store.log().size("never.created")).isZero();
    }

    @Test
    void appendedEntriesAreReadBackInOrder() {
        store.log().createIfAbsent(ORIGIN);
        store.log().append(ORIGIN, entries(0, 64, "s1"), List.of());
        store.log().append(ORIGIN, entries(64, 36, null), List.of());

        assertThat(store.log().size(ORIGIN)).isEqualTo(100);
        assertThat(store.log().read(ORIGIN, 0, 1000))
                .isEqualTo(entries(0, 100).stream()
                        .map(e -> withSession(e, e.index() < 64 ? "s1" : null))
                        .toList());
        assertThat(store.log().read(ORIGIN, 60, 5))
                .extracting(LogEntry::index)
                .containsExactly(60L, 61L, 62L, 63L, 64L);
        assertThat(store.log().read(ORIGIN, 100, 5)).isEmpty();
        assertThat(store.log().read(ORIGIN, 0, 0)).isEmpty();
        assertThat(store.log().read("never.created", 0, 5)).isEmpty();
    }

    @Test
    void appendThatDoesNotContinueTheLogIsRejectedWhole() {
        store.log().createIfAbsent("o");
        store.log().append("o", entries(0, 10, null), List.of());

        assertThatThrownBy(() -> store.log().append("o", entries(12, 3, null), List.of()))
                .isInstanceOf(StoreException.class)
                .hasMessage("log 'o': append at index 12 but the log has 10 events");
        assertThatThrownBy(() -> store.log().append("o", entries(9, 3, null), List.of()))
                .isInstanceOf(StoreException.class)
                .hasMessage("log 'o': append at index 9 but the log has 10 events");
        assertThat(store.log().size("o")).isEqualTo(10);
        assertThat(store.log().read("o", 0, 100)).hasSize(10);
    }

    @Test
    void appendWithAGapInsideTheBatchIsRejectedWhole() {
        store.log().createIfAbsent("o");
        List<LogEntry> gap = new ArrayList<>(entries(0, 3, null));
        gap.add(entries(4, 1, null).get(0));

        assertThatThrownBy(() -> store.log().append("o", gap, List.of()))
                .isInstanceOf(StoreException.class)
                .hasMessage("log 'o': append of non-contiguous events: index 4 where 3 was expected");
        assertThat(store.log().size("o")).isZero();
        assertThat(store.log().read("o", 0, 10)).isEmpty();
    }

    @Test
    void appendToAnUnknownLogIsRejected() {
        assertThatThrownBy(() -> store.log().append("nope", entries(0, 1, null), List.of()))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("no log with origin 'nope'");
        assertThat(store.log().origins()).isEmpty();
    }

    @Test
    void racingAppendsAtTheSameIndexLetExactlyOneThrough() throws Exception {
        store.log().createIfAbsent("o");
        int racers = 4;
        List<Callable<Boolean>> tasks = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            tasks.add(() -> {
                try {
                    store.log().append("o", entries(0, 8, null), List.of());
                    return true;
                } catch (StoreException e) {
                    return false;
                }
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<Boolean> outcomes = new ArrayList<>();
        try {
            for (Future<Boolean> outcome : pool.invokeAll(tasks)) {
                outcomes.add(outcome.get());
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(outcomes).containsOnlyOnce(true);
        assertThat(store.log().size("o")).isEqualTo(8);
        assertThat(store.log().read("o", 0, 100)).hasSize(8);
    }

    @Test
    void nodesAreStoredFromLevelOneAndLeavesServedFromEntries() {
        store.log().createIfAbsent("o");
        List<LogEntry> four = entries(0, 4, null);
        List<TreeNode> nodes =
                List.of(node(0, 0), node(0, 1), node(1, 0), node(0, 2), node(0, 3), node(1, 1), node(2, 0));

        store.log().append("o", four, nodes);

        for (LogEntry leaf : four) {
            assertThat(store.log().node("o", 0, leaf.index()))
                    .hasValueSatisfying(hash -> assertThat(hash).isEqualTo(leaf.leafHash()));
        }
        assertThat(store.log().node("o", 1, 0))
                .hasValueSatisfying(h -> assertThat(h).isEqualTo(node(1, 0).hash()));
        assertThat(store.log().node("o", 1, 1))
                .hasValueSatisfying(h -> assertThat(h).isEqualTo(node(1, 1).hash()));
        assertThat(store.log().node("o", 2, 0))
                .hasValueSatisfying(h -> assertThat(h).isEqualTo(node(2, 0).hash()));
        assertThat(store.log().node("o", 0, 4)).isEmpty();
        assertThat(store.log().node("o", 1, 2)).isEmpty();
        assertThat(store.log().node("o", 3, 0)).isEmpty();
        assertThat(store.log().node("never.created", 0, 0)).isEmpty();
    }

    @Test
    void nodeBeyondTheLogIsRejectedWithItsAppend() {
        store.log().createIfAbsent("o");

        assertThatThrownBy(() -> store.log().append("o", entries(0, 3, null), List.of(node(1, 0), node(2, 0))))
                .isInstanceOf(StoreException.class)
                .hasMessage("log 'o': node (level 2, index 0) covers events up to 4 but the log has 3 events");
        assertThat(store.log().size("o")).isZero();
        assertThat(store.log().node("o", 1, 0)).isEmpty();
    }

    @Test
    void entriesAreFoundBySession() {
        store.log().createIfAbsent("o");
        List<LogEntry> mixed = entries(0, 6).stream()
                .map(e -> withSession(e, e.index() % 2 == 0 ? "even" : (e.index() == 3 ? null : "odd")))
                .toList();
        store.log().append("o", mixed, List.of());

        assertThat(store.log().bySession("o", "even"))
                .extracting(LogEntry::index)
                .containsExactly(0L, 2L, 4L);
        assertThat(store.log().bySession("o", "odd"))
                .extracting(LogEntry::index)
                .containsExactly(1L, 5L);
        assertThat(store.log().bySession("o", "other")).isEmpty();
        assertThat(store.log().bySession("never.created", "even")).isEmpty();
        assertThat(store.log().bySession("o", "even").get(1)).isEqualTo(mixed.get(2));
    }

    @Test
    void checkpointsAreOrderedBySizeThenTime() {
        store.log().createIfAbsent("o");
        store.log().append("o", entries(0, 10, null), List.of());
        StoredCheckpoint late5 = checkpoint(5, START_MICROS.plusSeconds(9));
        StoredCheckpoint early5 = checkpoint(5, START_MICROS.plusSeconds(1));
        StoredCheckpoint ten = checkpoint(10, START_MICROS.plusSeconds(2));
        StoredCheckpoint empty = checkpoint(0, START_MICROS);

        store.log().addCheckpoint("o", ten);
        store.log().addCheckpoint("o", late5);
        store.log().addCheckpoint("o", empty);
        store.log().addCheckpoint("o", early5);

        assertThat(store.log().checkpoints("o")).containsExactly(empty, early5, late5, ten);
        assertThat(store.log().latestCheckpoint("o")).contains(ten);
        assertThat(store.log().checkpoints("never.created")).isEmpty();
        assertThat(store.log().latestCheckpoint("never.created")).isEmpty();
    }

    @Test
    void checkpointBeyondTheLogOrOfAnUnknownLogIsRejected() {
        store.log().createIfAbsent("o");
        store.log().append("o", entries(0, 3, null), List.of());

        assertThatThrownBy(() -> store.log().addCheckpoint("o", checkpoint(4, START_MICROS)))
                .isInstanceOf(StoreException.class)
                .hasMessage("log 'o': checkpoint of size 4 but the log has 3 events");
        assertThatThrownBy(() -> store.log().addCheckpoint("nope", checkpoint(0, START_MICROS)))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("no log with origin 'nope'");
        assertThat(store.log().checkpoints("o")).isEmpty();
    }

    @Test
    void logsSharingAStoreAreIndependent() {
        store.log().createIfAbsent("gw-1");
        store.log().createIfAbsent("gw-2");
        store.log().append("gw-1", entries(0, 5, "s"), List.of(node(1, 0)));
        store.log().append("gw-2", entries(0, 2, "s"), List.of());
        store.log().addCheckpoint("gw-1", checkpoint(5, START_MICROS));

        assertThat(store.log().size("gw-1")).isEqualTo(5);
        assertThat(store.log().size("gw-2")).isEqualTo(2);
        assertThat(store.log().bySession("gw-2", "s")).hasSize(2);
        assertThat(store.log().node("gw-2", 1, 0)).isEmpty();
        assertThat(store.log().checkpoints("gw-2")).isEmpty();
        store.log().append("gw-2", entries(2, 1, null), List.of());
        assertThat(store.log().size("gw-1")).isEqualTo(5);
    }

    @Test
    void triggersRejectUpdateAndDeleteOfLogTables() throws SQLException {
        store.log().createIfAbsent("o");
        store.log().append("o", entries(0, 2, "s"), List.of(node(1, 0)));
        store.log().addCheckpoint("o", checkpoint(2, START_MICROS));
        List<String> tampering = List.of(
                "UPDATE log_entries SET kind = 'edited'",
                "DELETE FROM log_entries WHERE idx = 1",
                "UPDATE log_nodes SET level = 9",
                "DELETE FROM log_nodes",
                "UPDATE log_checkpoints SET note = 'forged'",
                "DELETE FROM log_checkpoints",
                "DELETE FROM logs",
                "UPDATE logs SET size = 1");

        try (Connection connection = rawConnection()) {
            for (String statement : tampering) {
                try (Statement sql = connection.createStatement()) {
                    assertThatThrownBy(() -> sql.executeUpdate(statement))
                            .as(statement)
                            .isInstanceOf(SQLException.class)
                            .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("append-only", "never shrinks"));
                }
            }
        }

        assertThat(store.log().read("o", 0, 10)).isEqualTo(entries(0, 2, "s"));
        assertThat(store.log().node("o", 1, 0)).isPresent();
        assertThat(store.log().checkpoints("o")).containsExactly(checkpoint(2, START_MICROS));
        assertThat(store.log().size("o")).isEqualTo(2);
    }

    // ---------------------------------------------------------------- fixtures

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static TokenRecord token(String id, long identityId, String sha, Instant expiresAt) {
        return new TokenRecord(
                id,
                identityId,
                "gh_" + id,
                bytes(sha),
                bytes("salt-" + id),
                4096,
                bytes("stored-" + id),
                bytes("server-" + id),
                START_MICROS,
                expiresAt,
                null,
                null);
    }

    static TokenRecord withCreatedAt(TokenRecord t, Instant createdAt) {
        return new TokenRecord(
                t.id(),
                t.identityId(),
                t.prefix(),
                t.sha256(),
                t.scramSalt(),
                t.scramIterations(),
                t.scramStoredKey(),
                t.scramServerKey(),
                createdAt,
                t.expiresAt(),
                t.revokedAt(),
                t.lastUsedAt());
    }

    static ConnectionRecord connection(String name, Credential credential) {
        return new ConnectionRecord(
                name,
                ConnectionType.POSTGRES,
                "db.internal:5432",
                null,
                "app",
                "orders",
                credential,
                RecordingContent.COMMANDS,
                Durability.FAIL_CLOSED,
                null,
                null);
    }

    // --- sessions index ---

    static final long T0 = 1_790_000_000_000_000L;

    /** Builds real, canonically encoded events of {@link #ORIGIN}, numbered from 0, as the gateway writes them. */
    static final class Recorded {
        final List<LogEntry> entries = new ArrayList<>();

        Recorded add(String session, String identity, String connection, EventKind kind, Map<String, Value> fields) {
            long index = entries.size();
            Event.Builder b = Event.builder(kind)
                    .timeMicros(T0 + index)
                    .session(session)
                    .identity(identity)
                    .connection(connection);
            fields.forEach(b::field);
            byte[] bytes = EventCodec.encode(b.build().sequenced(ORIGIN, index));
            entries.add(new LogEntry(index, Rfc6962.leafHash(bytes), bytes, session, kind.wireName(), T0 + index));
            return this;
        }

        Recorded start(String session, String identity, String connection) {
            return add(
                    session,
                    identity,
                    connection,
                    EventKind.SESSION_START,
                    Map.of(
                            "protocol", Value.of("postgres"),
                            "source", Value.of("10.0.0.7:5000"),
                            "application_name", Value.of("psql"),
                            "token", Value.of("gh_abc")));
        }

        Recorded command(String session, String identity, String connection, long number, String sql) {
            return add(
                    session,
                    identity,
                    connection,
                    EventKind.COMMAND,
                    Map.of("command", new Value.Int(number), "sql", Value.of(sql)));
        }

        /** A best-effort connection's single event: the command with its outcome inside. */
        Recorded commandWithOutcome(
                String session, String identity, String connection, long number, String sql, String status) {
            return add(
                    session,
                    identity,
                    connection,
                    EventKind.COMMAND,
                    Map.of(
                            "command", new Value.Int(number),
                            "sql", Value.of(sql),
                            "status", Value.of(status),
                            "tag", Value.of("SELECT 1")));
        }

        Recorded result(String session, String identity, String connection, long number, String status) {
            return add(
                    session,
                    identity,
                    connection,
                    EventKind.COMMAND_RESULT,
                    Map.of("command", new Value.Int(number), "status", Value.of(status)));
        }

        Recorded end(String session, String identity, String connection, String reason) {
            return add(session, identity, connection, EventKind.SESSION_END, Map.of("reason", Value.of(reason)));
        }

        List<LogEntry> range(int from, int to) {
            return entries.subList(from, to);
        }
    }

    /**
     * s1: devin on pg-prod, closed after two commands (one failed); s2: max on pg-dev, open, one command
     * whose result has not arrived; an admin event between them belongs to no session.
     */
    static Recorded twoSessions() {
        return new Recorded()
                .start("s1", "devin", "pg-prod") // 0
                .command("s1", "devin", "pg-prod", 1, "SELECT * FROM accounts") // 1
                .start("s2", "max", "pg-dev") // 2
                .result("s1", "devin", "pg-prod", 1, "ok") // 3
                .command("s1", "devin", "pg-prod", 2, "DROP TABLE audit_Trail") // 4
                .add(null, "admin", null, EventKind.ADMIN, Map.of("action", Value.of("grant"))) // 5
                .result("s1", "devin", "pg-prod", 2, "error") // 6
                .end("s1", "devin", "pg-prod", "client closed") // 7
                .command("s2", "max", "pg-dev", 1, "select 1"); // 8
    }

    /** Appends in two appends and indexes after each, so outcomes and ends meet rows of an earlier batch. */
    void appendAndIndexTwoSessions() {
        Recorded recorded = twoSessions();
        store.log().createIfAbsent(ORIGIN);
        store.log().append(ORIGIN, recorded.range(0, 2), List.of());
        assertThat(store.sessionIndexer().catchUp()).isEqualTo(2);
        store.log().append(ORIGIN, recorded.range(2, 9), List.of());
        assertThat(store.sessionIndexer().catchUp()).isEqualTo(7);
    }

    @Test
    void theAppendDoesNotIndexTheIndexerDoesFromItsPosition() {
        store.log().createIfAbsent(ORIGIN);
        store.log().append(ORIGIN, twoSessions().range(0, 9), List.of());
        assertThat(store.sessions().find("s1"))
                .as("nothing indexed by the append")
                .isEmpty();
        assertThat(store.sessionIndexer().indexedUpTo(ORIGIN)).isZero();

        assertThat(store.sessionIndexer().catchUp()).isEqualTo(9);
        assertThat(store.sessionIndexer().indexedUpTo(ORIGIN)).isEqualTo(9);
        assertThat(store.sessions().find("s1")).isPresent();
        assertThat(store.sessionIndexer().catchUp()).as("nothing new").isZero();
        assertThat(store.sessionIndexer().indexedUpTo("no/such/log")).isZero();
    }

    @Test
    void aStoreUpgradedFromV3IsIndexedFromTheStartOfItsLog() throws SQLException {
        store.close();
        settings = newStoreSettings();
        // a store as the previous release left it: schema V3, a log with events, no sessions index
        Flyway.configure(getClass().getClassLoader())
                .dataSource(settings.url(), settings.username(), settings.password())
                .locations("classpath:db/migration/" + expectedDialect())
                .target("3")
                .load()
                .migrate();
        List<LogEntry> old = twoSessions().range(0, 9);
        try (Connection connection = rawConnection()) {
            try (PreparedStatement log =
                    connection.prepareStatement("INSERT INTO logs (origin, size, created_at) VALUES (?, ?, 0)")) {
                log.setString(1, ORIGIN);
                log.setLong(2, old.size());
                log.executeUpdate();
            }
            try (PreparedStatement entry = connection.prepareStatement("INSERT INTO log_entries (log_id, idx,"
                    + " leaf_hash, entry, session, kind, time_micros) SELECT id, ?, ?, ?, ?, ?, ? FROM logs")) {
                for (LogEntry e : old) {
                    entry.setLong(1, e.index());
                    entry.setBytes(2, e.leafHash());
                    entry.setBytes(3, e.entry());
                    entry.setString(4, e.session());
                    entry.setString(5, e.kind());
                    entry.setLong(6, e.timeMicros());
                    entry.executeUpdate();
                }
            }
        }

        assertThat(logEntriesIndexes()).contains("log_entries_by_time", "log_entries_by_session");

        store = Store.open(settings, clock); // migrates to the current schema
        assertThat(store.sessionIndexer().indexedUpTo(ORIGIN)).isZero();
        assertThat(store.sessionIndexer().catchUp()).isEqualTo(9);
        assertThat(sessionIds(SessionQuery.all(10))).containsExactly("s2", "s1");
        assertThat(store.sessions().find("s1").orElseThrow().status()).isEqualTo("closed");
        // V7: the time index served no query and cost every append a page; the session index stays (bySession)
        assertThat(logEntriesIndexes()).doesNotContain("log_entries_by_time").contains("log_entries_by_session");
        assertThat(store.log().bySession(ORIGIN, "s1"))
                .extracting(LogEntry::index)
                .containsExactlyElementsOf(old.stream()
                        .filter(e -> "s1".equals(e.session()))
                        .map(LogEntry::index)
                        .toList());
    }

    /** The names of the indexes on log_entries, as the database reports them. */
    private List<String> logEntriesIndexes() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = rawConnection();
                ResultSet rows = connection.getMetaData().getIndexInfo(null, null, "log_entries", false, false)) {
            while (rows.next()) {
                String name = rows.getString("INDEX_NAME");
                if (name != null && !names.contains(name)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    @Test
    void sessionsIndexFollowsTheLoggedEvents() {
        appendAndIndexTwoSessions();

        SessionRecord s1 = store.sessions().find("s1").orElseThrow();
        assertThat(s1.origin()).isEqualTo(ORIGIN);
        assertThat(s1.identity()).isEqualTo("devin");
        assertThat(s1.connection()).isEqualTo("pg-prod");
        assertThat(s1.type()).isEqualTo("postgres");
        assertThat(s1.client()).isEqualTo("10.0.0.7:5000");
        assertThat(s1.application()).isEqualTo("psql");
        assertThat(s1.token()).isEqualTo("gh_abc");
        assertThat(s1.startedMicros()).isEqualTo(T0);
        assertThat(s1.endedMicros()).isEqualTo(T0 + 7);
        assertThat(s1.status()).isEqualTo("closed");
        assertThat(s1.endReason()).isEqualTo("client closed");
        assertThat(s1.events()).isEqualTo(6);
        assertThat(s1.commands()).isEqualTo(2);
        assertThat(s1.errors()).isEqualTo(1);
        assertThat(s1.firstIndex()).isZero();
        assertThat(s1.lastIndex()).isEqualTo(7);

        SessionRecord s2 = store.sessions().find("s2").orElseThrow();
        assertThat(s2.status()).isEqualTo("open");
        assertThat(s2.endedMicros()).isNull();
        assertThat(s2.events()).isEqualTo(2);
        assertThat(store.sessions().find("nope")).isEmpty();
    }

    @Test
    void sessionsAreFilteredNewestFirstAndPaged() {
        appendAndIndexTwoSessions();

        assertThat(sessionIds(SessionQuery.all(10))).containsExactly("s2", "s1");
        assertThat(sessionIds(new SessionQuery("devin", null, null, null, null, null, null, null, 10)))
                .containsExactly("s1");
        assertThat(sessionIds(new SessionQuery(null, "pg-dev", null, null, null, null, null, null, 10)))
                .containsExactly("s2");
        assertThat(sessionIds(new SessionQuery(null, null, "postgres", null, null, null, null, null, 10)))
                .containsExactly("s2", "s1");
        assertThat(sessionIds(new SessionQuery(null, null, "ssh", null, null, null, null, null, 10)))
                .isEmpty();
        assertThat(sessionIds(new SessionQuery(null, null, null, "open", null, null, null, null, 10)))
                .containsExactly("s2");
        assertThat(sessionIds(new SessionQuery(null, null, null, "closed", null, null, null, null, 10)))
                .containsExactly("s1");
        // s1 ended at T0+7; s2 started at T0+2 and is open
        assertThat(sessionIds(new SessionQuery(null, null, null, null, T0 + 8, null, null, null, 10)))
                .containsExactly("s2");
        assertThat(sessionIds(new SessionQuery(null, null, null, null, null, T0 + 1, null, null, 10)))
                .containsExactly("s1");
        assertThat(sessionIds(new SessionQuery(null, null, null, null, null, null, "drop table AUDIT", null, 10)))
                .as("case-insensitive text in commands")
                .containsExactly("s1");
        assertThat(sessionIds(new SessionQuery(null, null, null, null, null, null, "50%_off", null, 10)))
                .as("LIKE wildcards in the text are literal")
                .isEmpty();

        List<SessionRecord> first = store.sessions().list(SessionQuery.all(1));
        assertThat(first).extracting(SessionRecord::session).containsExactly("s2");
        long cursor = first.get(0).id();
        assertThat(sessionIds(new SessionQuery(null, null, null, null, null, null, null, cursor, 1)))
                .containsExactly("s1");
        long last = store.sessions().find("s1").orElseThrow().id();
        assertThat(sessionIds(new SessionQuery(null, null, null, null, null, null, null, last, 1)))
                .isEmpty();
    }

    @Test
    void timelineListsOneConnectionsCommandsInOrderWithOutcome() {
        appendAndIndexTwoSessions();

        List<CommandRecord> prod = store.sessions().timeline("pg-prod", 0, Long.MAX_VALUE, null, 10);
        assertThat(prod).extracting(CommandRecord::index).containsExactly(1L, 4L);
        assertThat(prod)
                .extracting(CommandRecord::text)
                .containsExactly("SELECT * FROM accounts", "DROP TABLE audit_Trail");
        assertThat(prod).extracting(CommandRecord::status).containsExactly("ok", "error");
        assertThat(prod)
                .as("the first result arrived in a later batch than its command")
                .extracting(CommandRecord::resultIndex)
                .containsExactly(3L, 6L);
        assertThat(prod).extracting(CommandRecord::identity).containsOnly("devin");

        List<CommandRecord> dev = store.sessions().timeline("pg-dev", 0, Long.MAX_VALUE, null, 10);
        assertThat(dev).singleElement().satisfies(c -> {
            assertThat(c.text()).isEqualTo("select 1");
            assertThat(c.status()).as("no result yet").isNull();
            assertThat(c.resultIndex()).isNull();
        });

        List<CommandRecord> page = store.sessions().timeline("pg-prod", 0, Long.MAX_VALUE, null, 1);
        assertThat(page).extracting(CommandRecord::index).containsExactly(1L);
        assertThat(store.sessions()
                        .timeline("pg-prod", 0, Long.MAX_VALUE, page.get(0).position(), 1))
                .extracting(CommandRecord::index)
                .containsExactly(4L);
        assertThat(store.sessions().timeline("pg-prod", T0 + 2, T0 + 9, null, 10))
                .extracting(CommandRecord::index)
                .containsExactly(4L);
    }

    @Test
    void aCommandThatCarriesItsOwnOutcomeIsItsOwnResult() {
        Recorded recorded = new Recorded()
                .start("s3", "eve", "pg-prod")
                .commandWithOutcome("s3", "eve", "pg-prod", 1, "select 1", "ok")
                .commandWithOutcome("s3", "eve", "pg-prod", 2, "select nope", "error");
        store.log().createIfAbsent(ORIGIN);
        store.log().append(ORIGIN, recorded.range(0, 3), List.of());
        store.sessionIndexer().catchUp();

        List<CommandRecord> timeline = store.sessions().timeline("pg-prod", 0, Long.MAX_VALUE, null, 10);
        assertThat(timeline).extracting(CommandRecord::status).containsExactly("ok", "error");
        assertThat(timeline).extracting(CommandRecord::resultIndex).containsExactly(1L, 2L);
        assertThat(store.sessions().find("s3").orElseThrow().errors()).isEqualTo(1);
    }

    @Test
    void aConnectionRefusedBeforeItsSessionStartedIsAClosedSession() {
        Recorded recorded = new Recorded()
                .add(
                        "s4",
                        "mallory",
                        "pg-prod",
                        EventKind.BLOCKED,
                        Map.of("reason", Value.of("no grant on pg-prod"), "sqlstate", Value.of("28000")));
        store.log().createIfAbsent(ORIGIN);
        store.log().append(ORIGIN, recorded.range(0, 1), List.of());
        store.sessionIndexer().catchUp();

        SessionRecord s4 = store.sessions().find("s4").orElseThrow();
        assertThat(s4.status()).isEqualTo("closed");
        assertThat(s4.endReason()).isEqualTo("no grant on pg-prod");
        assertThat(s4.errors()).isEqualTo(1);
    }

    @Test
    void anUndecodableEventIsSkippedAndTheRestIsIndexed() {
        Recorded recorded = twoSessions();
        List<LogEntry> entries = new ArrayList<>(recorded.range(0, 9));
        LogEntry damaged = entries.get(4);
        entries.set(4, new LogEntry(4, damaged.leafHash(), bytes("not an event"), "s1", "command", T0 + 4));
        store.log().createIfAbsent(ORIGIN);
        store.log().append(ORIGIN, entries, List.of());

        assertThat(store.sessionIndexer().catchUp()).isEqualTo(9);
        assertThat(store.sessions().find("s1").orElseThrow().commands()).isEqualTo(1);
        assertThat(store.sessions().find("s2")).isPresent();
    }

    /**
     * Text search answers alike whether the text is common (more matching commands than the embedded store's
     * trigram probe takes, 2,000: sessions are walked newest first) or rare (sessions are picked from the
     * trigram index's matches), shorter than a trigram, or holding quotes and wildcards.
     */
    @Test
    void textSearchFindsRareAndCommonTextsAlike() {
        Recorded recorded = new Recorded()
                .start("rare-old", "devin", "pg-prod")
                .command("rare-old", "devin", "pg-prod", 1, "UPDATE \"Quoted\" SET note = 'Needle' WHERE 50% = 1");
        for (int s = 0; s < 300; s++) {
            String session = "common-" + s;
            recorded.start(session, "agent-" + (s % 3), "pg-prod");
            for (int c = 1; c <= 8; c++) {
                recorded.command(
                        session, "agent-" + (s % 3), "pg-prod", c, "select common_word from t where id = " + c);
            }
        }
        recorded.start("scattered", "max", "pg-dev").command("scattered", "max", "pg-dev", 1, "select abc_x, bcd_y");
        recorded.start("rare-new", "max", "pg-dev").command("rare-new", "max", "pg-dev", 1, "select 'a NEEDLE'");
        List<LogEntry> entries = recorded.range(0, recorded.entries.size());
        store.log().createIfAbsent(ORIGIN);
        store.log().append(ORIGIN, entries, List.of());
        assertThat(store.sessionIndexer().catchUp()).isEqualTo(entries.size());

        assertThat(sessionIds(textQuery("needle", null, 10)))
                .as("rare, case-insensitive, newest first")
                .containsExactly("rare-new", "rare-old");
        assertThat(sessionIds(textQuery("needle", "devin", 10))).containsExactly("rare-old");
        assertThat(sessionIds(textQuery("\"quoted\"", null, 10)))
                .as("quotes are literal")
                .containsExactly("rare-old");
        assertThat(sessionIds(textQuery("50% =", null, 10)))
                .as("LIKE wildcards are literal")
                .containsExactly("rare-old");
        assertThat(sessionIds(textQuery("ne", null, 3)))
                .as("shorter than a trigram")
                .containsExactly("rare-new", "rare-old");
        assertThat(sessionIds(textQuery("COMMON_WORD", null, 3)))
                .as("2,400 matching commands: the newest sessions that hold the text")
                .containsExactly("common-299", "common-298", "common-297");
        assertThat(sessionIds(textQuery("common_word", "agent-0", 2))).containsExactly("common-297", "common-294");
        assertThat(sessionIds(textQuery("no such text anywhere", null, 10))).isEmpty();
        assertThat(sessionIds(textQuery("abcd", null, 10)))
                .as("every piece of the text in one command, but not the text itself")
                .isEmpty();
        assertThat(sessionIds(textQuery("set note = 'needle' where 50% = 1", null, 10)))
                .as("a long text")
                .containsExactly("rare-old");
    }

    private static SessionQuery textQuery(String text, String identity, int limit) {
        return new SessionQuery(identity, null, null, null, null, null, text, null, limit);
    }

    @Test
    void rebuildGivesTheSameIndexFromTheLog() {
        appendAndIndexTwoSessions();
        List<SessionRecord> before = store.sessions().list(SessionQuery.all(10));
        List<CommandRecord> timeline = store.sessions().timeline("pg-prod", 0, Long.MAX_VALUE, null, 10);

        store.sessionIndexer().rebuild();
        assertThat(store.sessions().list(SessionQuery.all(10))).isEmpty();
        assertThat(store.sessionIndexer().indexedUpTo(ORIGIN)).isZero();

        assertThat(store.sessionIndexer().catchUp()).isEqualTo(9);
        assertThat(store.sessions().list(SessionQuery.all(10)))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("id")
                .isEqualTo(before);
        assertThat(store.sessions().timeline("pg-prod", 0, Long.MAX_VALUE, null, 10))
                .isEqualTo(timeline);
    }

    @Test
    void indexingInManyBatchesMatchesIndexingAtOnce() {
        // more events than one indexer transaction takes, in sessions that straddle the batch boundaries
        Recorded recorded = new Recorded();
        for (int s = 0; s < 700; s++) {
            String session = "m" + s;
            recorded.start(session, "agent-" + (s % 7), "pg-" + (s % 3));
            for (int c = 1; c <= 3; c++) {
                recorded.command(session, "agent-" + (s % 7), "pg-" + (s % 3), c, "select " + c);
                recorded.result(session, "agent-" + (s % 7), "pg-" + (s % 3), c, c == 3 ? "error" : "ok");
            }
            recorded.end(session, "agent-" + (s % 7), "pg-" + (s % 3), "client closed");
        }
        store.log().createIfAbsent(ORIGIN);
        int total = recorded.entries.size();
        for (int from = 0; from < total; from += 1000) {
            store.log().append(ORIGIN, recorded.range(from, Math.min(total, from + 1000)), List.of());
        }
        assertThat(store.sessionIndexer().catchUp()).isEqualTo(total);

        List<SessionRecord> all = store.sessions().list(SessionQuery.all(1000));
        assertThat(all).hasSize(700);
        assertThat(all).allSatisfy(s -> {
            assertThat(s.status()).isEqualTo("closed");
            assertThat(s.events()).isEqualTo(8);
            assertThat(s.commands()).isEqualTo(3);
            assertThat(s.errors()).isEqualTo(1);
        });
        // text search over many commands: 2,100 contain "select", 700 "select 3", none "select 4"
        assertThat(store.sessions().list(new SessionQuery(null, null, null, null, null, null, "SELECT", null, 1000)))
                .hasSize(700);
        assertThat(store.sessions()
                        .list(new SessionQuery(null, "pg-1", null, null, null, null, "select 3", null, 1000)))
                .hasSize(233)
                .allSatisfy(s -> assertThat(s.connection()).isEqualTo("pg-1"));
        assertThat(store.sessions().list(new SessionQuery(null, null, null, null, null, null, "select 4", null, 1000)))
                .isEmpty();
        List<CommandRecord> pg0 = store.sessions().timeline("pg-0", 0, Long.MAX_VALUE, null, 5000);
        assertThat(pg0).hasSize(234 * 3);
        assertThat(pg0).allSatisfy(c -> assertThat(c.status()).isNotNull());
    }

    @Test
    void twoIndexersRacingOverOneLogApplyEveryEventOnce() throws Exception {
        // as two gateways on one PostgreSQL would: both read the same position, one wins each batch
        Recorded recorded = new Recorded();
        for (int s = 0; s < 600; s++) {
            String session = "r" + s;
            recorded.start(session, "agent", "pg-prod");
            recorded.command(session, "agent", "pg-prod", 1, "select 1");
            recorded.result(session, "agent", "pg-prod", 1, s % 2 == 0 ? "error" : "ok");
            recorded.end(session, "agent", "pg-prod", "client closed");
        }
        store.log().createIfAbsent(ORIGIN);
        int total = recorded.entries.size();
        for (int from = 0; from < total; from += 1000) {
            store.log().append(ORIGIN, recorded.range(from, Math.min(total, from + 1000)), List.of());
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Long>> racing = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                racing.add(pool.submit(() -> store.sessionIndexer().catchUp()));
            }
            long indexed = 0;
            for (Future<Long> f : racing) {
                indexed += f.get();
            }
            assertThat(indexed).as("events applied, over both indexers").isEqualTo(total);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.sessionIndexer().indexedUpTo(ORIGIN)).isEqualTo(total);
        List<SessionRecord> all = store.sessions().list(SessionQuery.all(1000));
        assertThat(all).hasSize(600);
        assertThat(all).allSatisfy(s -> assertThat(s.events()).isEqualTo(4));
        assertThat(all.stream().mapToLong(SessionRecord::errors).sum()).isEqualTo(300);
        assertThat(store.sessions().timeline("pg-prod", 0, Long.MAX_VALUE, null, 5000))
                .hasSize(600);
    }

    List<String> sessionIds(SessionQuery query) {
        return store.sessions().list(query).stream().map(SessionRecord::session).toList();
    }

    static List<LogEntry> entries(long from, int count) {
        return entries(from, count, null);
    }

    /** Entries whose bytes and hashes are derived from the index, so any mix-up shows. */
    static List<LogEntry> entries(long from, int count, String session) {
        return LongStream.range(from, from + count)
                .mapToObj(i -> new LogEntry(
                        i,
                        fakeHash("leaf", 0, i),
                        bytes("{\"seq\":" + i + ",\"kind\":\"command\"}"),
                        session,
                        i % 3 == 0 ? "session.start" : "command",
                        1_790_000_000_000_000L + i))
                .toList();
    }

    static LogEntry withSession(LogEntry e, String session) {
        return new LogEntry(e.index(), e.leafHash(), e.entry(), session, e.kind(), e.timeMicros());
    }

    static TreeNode node(int level, long index) {
        return new TreeNode(level, index, fakeHash("node", level, index));
    }

    static StoredCheckpoint checkpoint(long size, Instant createdAt) {
        return new StoredCheckpoint(
                size, fakeHash("root", 0, size), "gatehouse.example/log/1\n" + size + "\nroot\n\n— sig\n", createdAt);
    }

    static byte[] fakeHash(String what, int level, long index) {
        byte[] hash = new byte[32];
        byte[] label = bytes(what + ":" + level + ":" + index);
        System.arraycopy(label, 0, hash, 0, Math.min(label.length, hash.length));
        return hash;
    }
}
