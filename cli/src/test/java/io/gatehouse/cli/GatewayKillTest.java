package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.gateway.testing.GatewayProcess;
import io.gatehouse.gateway.testing.KillHarness;
import io.gatehouse.store.StoreSettings;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import io.gatehouse.testkit.PostgresDatabase;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, the kill test in short (3 rounds; {@code bench/kill.sh} runs 20 or more): a gateway process
 * killed with SIGKILL while clients write through a fail-closed connection never leaves a row in the database
 * that its log does not record, and its log verifies.
 */
class GatewayKillTest {
    static final int ROUNDS = Integer.getInteger("gatehouse.kill.rounds", 3);

    @TempDir
    Path work;

    @Test
    void everyRowInTheDatabaseIsRecordedAfterRepeatedSigkillsAndTheLogVerifies() throws Exception {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
        PostgresDatabase database = server.createPostgresDatabase();
        KillHarness.Report report = KillHarness.run(
                new KillHarness.Settings(
                        GatewayProcess.classpathLauncher(Main.class.getName()),
                        work,
                        ROUNDS,
                        4,
                        7,
                        Duration.ofMillis(100),
                        Duration.ofMillis(1200)),
                database,
                server.port());
        System.out.println(report.summary());

        assertEveryRowRecordedAndTheLogVerifies(report);
    }

    /**
     * The same on a shared PostgreSQL store: a killed gateway's open store transaction is rolled back by the
     * server, and the restarted gateway continues the log from what had committed.
     */
    @Test
    void theSameHoldsOnAPostgresStore() throws Exception {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
        PostgresDatabase database = server.createPostgresDatabase();
        PostgresDatabase storeDatabase = server.createPostgresDatabase();
        StoreSettings store = StoreSettings.of(storeDatabase.jdbcUrl())
                .withCredentials(storeDatabase.username(), storeDatabase.password());
        KillHarness.Report report = KillHarness.run(
                new KillHarness.Settings(
                        GatewayProcess.classpathLauncher(Main.class.getName()),
                        work,
                        ROUNDS,
                        4,
                        11,
                        Duration.ofMillis(100),
                        Duration.ofMillis(1200),
                        store),
                database,
                server.port());
        System.out.println("PostgreSQL store: " + report.summary());

        assertEveryRowRecordedAndTheLogVerifies(report);
    }

    /** What must hold after the kills (KillHarness.Report); recorded-but-not-run statements are allowed. */
    private static void assertEveryRowRecordedAndTheLogVerifies(KillHarness.Report report) {
        assertThat(report.kills()).isEqualTo(ROUNDS);
        assertThat(report.rowsInDatabase()).as("transactions committed").isPositive();
        assertThat(report.unexpectedErrors()).as("client errors before a kill").isEmpty();
        assertThat(report.rowsWithoutRecord())
                .as("rows in the database without a command event")
                .isEmpty();
        assertThat(report.acknowledgedNotInDatabase())
                .as("acknowledged inserts missing")
                .isEmpty();
        assertThat(report.verified()).as(report.verifyOutput()).isTrue();
        assertThat(report.verifyOutput()).startsWith("ok:");
    }
}
