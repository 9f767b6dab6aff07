package io.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
