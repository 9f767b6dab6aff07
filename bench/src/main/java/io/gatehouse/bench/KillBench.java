package io.gatehouse.bench;

import io.gatehouse.gateway.testing.KillHarness;
import io.gatehouse.store.StoreSettings;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import io.gatehouse.testkit.PostgresDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Issue 7, the kill test at full length: {@link KillHarness} with the distribution jar as the gateway
 * ({@code java -jar cli/target/gatehouse.jar gateway}), an embedded PostgreSQL of its own as the database,
 * and 20 rounds unless told otherwise; the gateway's store is SQLite in its data directory, or with {@code
 * --postgres-store} a PostgreSQL database on that same server (a shared store). Prints the figures for docs/reliability.md and exits 1 if a row ran
 * unrecorded, an acknowledged insert is missing, a client failed for another reason than a kill, or the log
 * does not verify.
 */
public final class KillBench {
    private KillBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = 20;
        int writers = 4;
        long seed = System.nanoTime();
        Path jar = Path.of("cli/target/gatehouse.jar");
        boolean postgresStore = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--writers" -> writers = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--jar" -> jar = Path.of(args[++i]);
                case "--postgres-store" -> postgresStore = true;
                default ->
                    throw new IllegalArgumentException("unknown argument " + args[i]
                            + "; expected --rounds N, --writers N, --seed N, --jar PATH, --postgres-store");
            }
        }
        List<String> launcher = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                jar.toAbsolutePath().toString());
        Path work = Files.createTempDirectory("gatehouse-kill");
        EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
        PostgresDatabase database = server.createPostgresDatabase();
        StoreSettings store = null;
        if (postgresStore) {
            PostgresDatabase storeDatabase = server.createPostgresDatabase();
            store = StoreSettings.of(storeDatabase.jdbcUrl())
                    .withCredentials(storeDatabase.username(), storeDatabase.password());
        }
        System.out.printf(
                "kill test: %d rounds, %d writers, seed %d, gateway %s, store %s, data %s, started %s%n",
                rounds,
                writers,
                seed,
                jar,
                postgresStore ? "PostgreSQL (shared)" : "SQLite (embedded)",
                work,
                Instant.now());
        long started = System.nanoTime();
        KillHarness.Report report = KillHarness.run(
                new KillHarness.Settings(
                        launcher, work, rounds, writers, seed, Duration.ofMillis(100), Duration.ofMillis(3000), store),
                database,
                server.port());
        System.out.println(report.summary());
        System.out.printf("took %.0f s%n", (System.nanoTime() - started) / 1e9);
        boolean ok = report.rowsWithoutRecord().isEmpty()
                && report.acknowledgedNotInDatabase().isEmpty()
                && report.unexpectedErrors().isEmpty()
                && report.rowsInDatabase() > 0
                && report.verified();
        System.out.println(ok ? "PASS" : "FAIL");
        System.exit(ok ? 0 : 1);
    }
}
