package io.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqliteStoreTest extends StoreContractTest {
    @TempDir
    Path directory;

    private final AtomicInteger stores = new AtomicInteger();

    @Override
    StoreSettings newStoreSettings() {
        Path storeDirectory = directory.resolve("data-" + stores.incrementAndGet());
        try {
            // The store creates missing directories itself; tests that write the file first need it now.
            Files.createDirectories(storeDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return StoreSettings.sqlite(storeDirectory.resolve("gatehouse.db")).withPoolSize(2);
    }

    @Override
    String expectedDialect() {
        return "sqlite";
    }

    @Test
    void fileThatIsNotADatabaseIsReportedAsCorruptAndLeftAlone() throws IOException {
        Path garbage = directory.resolve("notes.txt");
        String content = "these are my notes, not a database; ".repeat(200);
        Files.writeString(garbage, content);

        assertThatThrownBy(() -> Store.open(StoreSettings.sqlite(garbage)))
                .isInstanceOf(StoreCorruptException.class)
                .hasMessageStartingWith(
                        "store at " + garbage.toAbsolutePath() + " is not a Gatehouse store or is corrupt: ");
        assertThat(Files.readString(garbage, StandardCharsets.UTF_8)).isEqualTo(content);
    }

    @Test
    void fileIsInWalModeWithForeignKeysEnforced() throws SQLException {
        try (Connection connection = rawConnection();
                Statement statement = connection.createStatement();
                ResultSet mode = statement.executeQuery("PRAGMA journal_mode")) {
            mode.next();
            assertThat(mode.getString(1)).isEqualTo("wal");
        }
        // Foreign keys are per connection in SQLite: the store's own connections must enforce them.
        store.identities().create("devin", IdentityKind.AGENT, Role.USER, bytes("salt"));
        assertThatThrownBy(() -> store.tokens().insert(token("t", 77, "sha", null)))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void readsProceedWhileAnotherProcessHoldsTheWriteLock() throws SQLException {
        store.identities().create("devin", IdentityKind.AGENT, Role.USER, bytes("salt"));
        try (Connection other = rawConnection();
                Statement statement = other.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            statement.execute("INSERT INTO logs (origin, size, created_at) VALUES ('uncommitted', 0, 0)");

            assertThat(store.identities().byName("devin")).isPresent();
            assertThat(store.log().origins()).doesNotContain("uncommitted");
            statement.execute("ROLLBACK");
        }
    }

    private Path indexFile() {
        return settings.sqliteFile().resolveSibling(settings.sqliteFile().getFileName() + ".index");
    }

    private Connection rawIndexConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + indexFile());
    }

    @Test
    void theSessionsIndexIsAFileOfItsOwnNextToTheStore() throws SQLException {
        appendAndIndexTwoSessions();

        try (Connection connection = rawConnection();
                Statement statement = connection.createStatement();
                ResultSet tables = statement.executeQuery("SELECT count(*) FROM sqlite_schema"
                        + " WHERE name IN ('sessions', 'session_commands', 'session_index_state')")) {
            tables.next();
            assertThat(tables.getInt(1)).as("no index tables in the store file").isZero();
        }
        try (Connection index = rawIndexConnection();
                Statement statement = index.createStatement();
                ResultSet sessions = statement.executeQuery("SELECT session FROM sessions ORDER BY id")) {
            assertThat(sessions.next()).isTrue();
            assertThat(sessions.getString(1)).isEqualTo("s1");
        }
    }

    /** The reason for the file of its own: an index transaction holds the index's write lock, not the log's. */
    @Test
    void anIndexTransactionDoesNotHoldUpTheLog() throws SQLException {
        store.log().createIfAbsent(ORIGIN);
        List<LogEntry> entries = twoSessions().range(0, 9);
        try (Connection index = rawIndexConnection();
                Statement statement = index.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            statement.execute("DELETE FROM sessions");

            // with the index in the store's file, this append would wait for the lock and fail after 5 s
            store.log().append(ORIGIN, entries, List.of());
            assertThat(store.log().size(ORIGIN)).isEqualTo(9);
            statement.execute("ROLLBACK");
        }
        assertThat(store.sessionIndexer().catchUp()).isEqualTo(9);
    }

    /**
     * A prepared statement executed many times is one text in the trigram index per session, across batches, and
     * search still finds every session that ran it; a session that ends and a rebuild start afresh.
     */
    @Test
    void eachTextGoesIntoTheTrigramIndexOncePerSessionAndSearchStillFindsEverySession() throws SQLException {
        String prepared = "SELECT abalance FROM pgbench_accounts WHERE aid = $1";
        Recorded recorded = new Recorded().start("a", "devin", "pg-prod").start("b", "max", "pg-prod");
        store.log().createIfAbsent(ORIGIN);
        int appended = 0;
        for (int batch = 0; batch < 3; batch++) {
            for (int c = 1; c <= 20; c++) {
                recorded.command("a", "devin", "pg-prod", batch * 20 + c, prepared);
            }
            recorded.command("b", "max", "pg-prod", batch + 1, batch == 2 ? "select 'a needle'" : prepared);
            store.log().append(ORIGIN, recorded.range(appended, recorded.entries.size()), List.of());
            appended = recorded.entries.size();
            store.sessionIndexer().catchUp(); // one index transaction per round
        }

        assertThat(textRows()).as("a: one text; b: two").isEqualTo(3);
        assertThat(sessionIds(textQuery("pgbench_accounts"))).containsExactly("b", "a");
        assertThat(sessionIds(textQuery("NEEDLE"))).containsExactly("b");
        assertThat(store.sessions().find("a").orElseThrow().commands()).isEqualTo(60);

        recorded.end("a", "devin", "pg-prod", "client closed")
                .start("c", "eve", "pg-prod")
                .command("c", "eve", "pg-prod", 1, prepared)
                .command("c", "eve", "pg-prod", 2, prepared);
        store.log().append(ORIGIN, recorded.range(appended, recorded.entries.size()), List.of());
        store.sessionIndexer().catchUp();
        assertThat(textRows()).as("c's text once").isEqualTo(4);
        assertThat(sessionIds(textQuery("pgbench_accounts"))).containsExactly("c", "b", "a");

        store.sessionIndexer().rebuild();
        store.sessionIndexer().catchUp();
        assertThat(textRows()).as("after a rebuild, the same").isEqualTo(4);
        assertThat(sessionIds(textQuery("pgbench_accounts"))).containsExactly("c", "b", "a");
    }

    private long textRows() throws SQLException {
        try (Connection index = rawIndexConnection();
                Statement statement = index.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM command_text")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static SessionQuery textQuery(String text) {
        return new SessionQuery(null, null, null, null, null, null, text, null, 10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "old-version"})
    void anUnreadableOrOtherVersionIndexFileIsReplacedAndRebuiltFromTheLog(String damage) throws Exception {
        appendAndIndexTwoSessions();
        List<SessionRecord> before = store.sessions().list(SessionQuery.all(10));
        store.close();
        if (damage.equals("garbage")) {
            Files.deleteIfExists(indexFile().resolveSibling(indexFile().getFileName() + "-wal"));
            Files.deleteIfExists(indexFile().resolveSibling(indexFile().getFileName() + "-shm"));
            Files.writeString(indexFile(), "not an index ".repeat(500));
        } else {
            try (Connection index = rawIndexConnection();
                    Statement statement = index.createStatement()) {
                statement.execute("PRAGMA user_version = 99");
            }
        }

        store = Store.open(settings, clock);
        assertThat(store.sessionIndexer().indexedUpTo(ORIGIN))
                .as("a fresh index")
                .isZero();
        assertThat(store.sessionIndexer().catchUp()).isEqualTo(9);
        assertThat(store.sessions().list(SessionQuery.all(10)))
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("id")
                .isEqualTo(before);
        assertThat(store.log().size(ORIGIN)).as("the log untouched").isEqualTo(9);
    }

    /** A store of the previous schema (V5: the index inside the store file) moves its index out on upgrade. */
    @Test
    void aStoreWithItsIndexInsideIsUpgradedToTheIndexFile() throws SQLException {
        store.close();
        settings = newStoreSettings();
        Flyway.configure(getClass().getClassLoader())
                .dataSource(settings.url(), null, null)
                .locations("classpath:db/migration/sqlite")
                .target("5")
                .load()
                .migrate();
        try (Connection connection = rawConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO logs (origin, size, created_at) VALUES ('" + ORIGIN + "', 0, 0)");
            statement.execute("INSERT INTO session_index_state (log_id, indexed_upto) SELECT id, 0 FROM logs");
        }

        store = Store.open(settings, clock);
        store.log().append(ORIGIN, twoSessions().range(0, 9), List.of());
        assertThat(store.sessionIndexer().catchUp()).isEqualTo(9);
        assertThat(sessionIds(SessionQuery.all(10))).containsExactly("s2", "s1");
        assertThat(Files.exists(indexFile())).isTrue();
    }

    @Test
    void settingsNeverPrintThePassword() {
        StoreSettings withPassword = StoreSettings.of("jdbc:postgresql://db/gatehouse?password=hunter2")
                .withCredentials("gatehouse", "s3cret");

        assertThat(withPassword.toString()).doesNotContain("hunter2").doesNotContain("s3cret");
        assertThatThrownBy(() -> StoreSettings.of("jdbc:mysql://db/x?password=hunter2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected jdbc:sqlite:PATH or jdbc:postgresql://")
                .message()
                .doesNotContain("hunter2");
    }
}
