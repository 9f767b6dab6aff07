package io.gatehouse.bench;

import io.gatehouse.audit.note.NoteVerifier;
import io.gatehouse.gateway.Gateway;
import io.gatehouse.gateway.recorder.StoreVerifier;
import io.gatehouse.gateway.testing.MixedWorkload;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Load and soak (issue 7): N concurrent sessions run {@link MixedWorkload} for a long time through one gateway
 * (in this JVM, embedded SQLite store), half of them on a fail-closed connection and half on a best-effort
 * one, from two client JVMs. Every {@code --sample} seconds it prints the gateway's RSS, heap, threads and log
 * size (the curve); at the end it checks that the clients saw no unexpected error, that the log holds one
 * {@code command} event per statement the clients executed, that every row in the database has its recorded
 * {@code INSERT}, and that the log verifies. Exits 1 if any check fails.
 *
 * <p>Usage: {@code bench/soak.sh [--sessions 1000] [--seconds 600] [--think-ms 500] [--sample 30]}.
 */
public final class SoakBench {
    private static final String IDENTITY = "soak";
    private static final String DATABASE = "soak";

    private SoakBench() {}

    record ClientResult(long statements, long committed, long expectedErrors, List<String> unexpected) {}

    public static void main(String[] args) throws Exception {
        int sessions = 1000;
        int seconds = 600;
        int thinkMs = 500;
        int sample = 30;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sessions" -> sessions = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--think-ms" -> thinkMs = Integer.parseInt(args[++i]);
                case "--sample" -> sample = Integer.parseInt(args[++i]);
                default ->
                    throw new IllegalArgumentException("unknown argument " + args[i]
                            + "; expected --sessions N, --seconds S, --think-ms MS, --sample S");
            }
        }
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "gatehouse-soak");
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "on")
                .setServerConfig("max_connections", Integer.toString(sessions + 50))
                .start();
        Gateway gateway = null;
        boolean ok;
        try {
            try (Connection c = postgres.getPostgresDatabase().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
            String directUrl = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE;
            try (Connection direct = DriverManager.getConnection(directUrl, "postgres", "")) {
                MixedWorkload.createTable(direct);
            }
            Path data = Files.createDirectory(work.resolve("gateway"));
            AtomicReference<String> adminToken = new AtomicReference<>();
            gateway = Gateway.start(
                    PgBench.gatewayConfig(data, null, null, Map.of()),
                    Clock.systemUTC(),
                    first -> adminToken.set(first.adminToken()));
            PgBench.Admin admin = new PgBench.Admin(gateway, data, adminToken.get());
            admin.post("/api/v1/identities", Map.of("name", IDENTITY, "kind", "agent", "role", "user"));
            String token = admin.post("/api/v1/tokens", Map.of("identity", IDENTITY))
                    .get("token")
                    .asText();
            for (String durability : List.of("fail-closed", "best-effort")) {
                admin.postgresConnection(
                        durability, IDENTITY, postgres.getPort(), DATABASE, Map.of("durability", durability));
            }
            String origin = gateway.writer().origin();
            System.out.printf(
                    Locale.ROOT,
                    "soak: %d sessions (%d fail-closed, %d best-effort) for %d s, think time 0–%d ms per step,"
                            + " gateway pg port %d, embedded SQLite store%n",
                    sessions,
                    sessions / 2,
                    sessions - sessions / 2,
                    seconds,
                    2 * thinkMs,
                    gateway.pgPort());

            long start = System.nanoTime();
            CompletableFuture<ClientResult> failClosed =
                    clients(gateway, "fail-closed", token, 0, sessions / 2, seconds, thinkMs);
            CompletableFuture<ClientResult> bestEffort =
                    clients(gateway, "best-effort", token, sessions / 2, sessions - sessions / 2, seconds, thinkMs);
            System.out.printf(
                    Locale.ROOT,
                    "%8s %10s %10s %10s %8s %12s%n",
                    "t (s)",
                    "RSS",
                    "heap used",
                    "heap size",
                    "threads",
                    "log events");
            long peakRss = 0;
            List<Long> curve = new ArrayList<>();
            while (!(failClosed.isDone() && bestEffort.isDone())) {
                try {
                    CompletableFuture.allOf(failClosed, bestEffort).get(sample, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // sample below
                }
                long rss = PgBench.rssBytes("VmRSS");
                peakRss = Math.max(peakRss, rss);
                curve.add(rss);
                Runtime rt = Runtime.getRuntime();
                System.out.printf(
                        Locale.ROOT,
                        "%8.0f %10s %10s %10s %8d %12d%n",
                        (System.nanoTime() - start) / 1e9,
                        PgBench.mib(rss),
                        PgBench.mib(rt.totalMemory() - rt.freeMemory()),
                        PgBench.mib(rt.totalMemory()),
                        ManagementFactory.getThreadMXBean().getThreadCount(),
                        gateway.store().log().size(origin));
            }
            // the serving phase's peak, before this JVM re-reads and verifies the whole log below
            long servingPeak = PgBench.rssBytes("VmHWM");
            ClientResult fc = failClosed.join();
            ClientResult be = bestEffort.join();
            long statements = fc.statements() + be.statements();
            long committed = fc.committed() + be.committed();
            List<String> unexpected = new ArrayList<>(fc.unexpected());
            unexpected.addAll(be.unexpected());

            // best-effort events may trail their statements by a moment; fail-closed ones are durable already
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            MixedWorkload.Recorded recorded =
                    MixedWorkload.recorded(gateway.store().log(), origin, IDENTITY);
            while (recorded.commands() < statements && System.nanoTime() < deadline) {
                Thread.sleep(500);
                recorded = MixedWorkload.recorded(gateway.store().log(), origin, IDENTITY);
            }
            Set<String> rows;
            try (Connection direct = DriverManager.getConnection(directUrl, "postgres", "")) {
                rows = MixedWorkload.rows(direct);
            }
            Thread.sleep(2000); // one checkpoint interval and more, so the last events are signed
            StoreVerifier.Result verified =
                    StoreVerifier.verify(gateway.store().log(), origin, NoteVerifier.parse(gateway.verifierKey()));
            Set<String> inserts = recorded.inserts();
            long rowsWithoutRecord =
                    rows.stream().filter(r -> !inserts.contains(r)).count();

            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "%nclients: %,d statements in %.0f s (%.0f/s), %,d rows committed, %,d expected SQL errors"
                            + " (22012), %d unexpected errors%n",
                    statements,
                    elapsed,
                    statements / elapsed,
                    committed,
                    fc.expectedErrors() + be.expectedErrors(),
                    unexpected.size());
            unexpected.stream().limit(20).forEach(u -> System.out.println("  unexpected: " + u));
            long lastRss = curve.isEmpty() ? 0 : curve.get(curve.size() - 1);
            System.out.printf(
                    Locale.ROOT,
                    "gateway RSS while serving: first sample %s, last %s, highest sample %s, peak (VmHWM) %s%n",
                    PgBench.mib(curve.isEmpty() ? 0 : curve.get(0)),
                    PgBench.mib(lastRss),
                    PgBench.mib(peakRss),
                    PgBench.mib(servingPeak));
            boolean allRecorded = recorded.commands() == statements;
            boolean rowsMatch = rows.size() == committed;
            System.out.printf(
                    Locale.ROOT,
                    "log: %,d events; %,d command events of %s for %,d statements executed: %s%n",
                    recorded.events(),
                    recorded.commands(),
                    IDENTITY,
                    statements,
                    allRecorded ? "every statement recorded" : "MISMATCH");
            System.out.printf(
                    Locale.ROOT,
                    "database: %,d rows for %,d committed inserts (%s); rows without a recorded INSERT: %d%n",
                    rows.size(),
                    committed,
                    rowsMatch ? "equal" : "MISMATCH",
                    rowsWithoutRecord);
            System.out.printf(Locale.ROOT, "verify: %s%n", verified.summary());
            ok = unexpected.isEmpty() && allRecorded && rowsMatch && rowsWithoutRecord == 0 && verified.ok();
            System.out.println(ok ? "SOAK OK" : "SOAK FAILED");
        } finally {
            if (gateway != null) {
                gateway.close();
            }
            postgres.close();
            PgBench.deleteRecursively(work);
        }
        System.exit(ok ? 0 : 1);
    }

    private static CompletableFuture<ClientResult> clients(
            Gateway gateway, String connection, String token, int first, int count, int seconds, int thinkMs)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String url = "jdbc:postgresql://127.0.0.1:" + gateway.pgPort() + "/" + connection
                + "?sslmode=disable&connectTimeout=60&socketTimeout=120&ApplicationName=soak";
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-Xmx1g",
                        "-cp",
                        System.getProperty("java.class.path"),
                        SoakClients.class.getName(),
                        url,
                        IDENTITY,
                        Integer.toString(first),
                        Integer.toString(count),
                        Integer.toString(seconds),
                        Integer.toString(thinkMs))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("PGPASSWORD", token);
        Process process = pb.start();
        return CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line = out.readLine();
                if (line == null || !line.startsWith("done ")) {
                    throw new IllegalStateException(connection + " clients failed: " + line);
                }
                String[] p = line.split(" ");
                List<String> unexpected = new ArrayList<>();
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    unexpected.add(connection + ": " + l);
                }
                process.waitFor(30, TimeUnit.SECONDS);
                return new ClientResult(Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3]), unexpected);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }
}
