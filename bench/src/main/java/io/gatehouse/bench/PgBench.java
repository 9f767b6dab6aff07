package io.gatehouse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.gateway.Gateway;
import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.gateway.config.ConfigLoader;
import io.gatehouse.gateway.config.GatewayConfig;
import io.gatehouse.gateway.security.ClientTls;
import io.gatehouse.gateway.testing.ConnectorProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL through the gateway (issue 5, benchmark): {@code pgbench -S} at several client counts, simple
 * and prepared protocol, side by side against four targets, all started here on loopback:
 *
 * <ul>
 *   <li>{@code direct}: a private PostgreSQL (fsync on), {@code pgbench -i -s 10};
 *   <li>{@code fail-closed}: the gateway, in this JVM, with a fail-closed connection on its embedded SQLite
 *       store;
 *   <li>{@code best-effort}: the same gateway, a best-effort connection to the same database;
 *   <li>{@code pgbouncer}: pgbouncer in session mode, the plain-proxy reference.
 *   <li>{@code connector} (when listed in {@code --targets}): the gateway with a fail-closed connection bound to
 *       a connector that runs as a separate process, so each statement crosses the tunnel both ways.
 * </ul>
 *
 * <p>Since the gateway runs in this JVM, and this JVM does nothing else while pgbench runs, the process CPU
 * time read before and after a run is the gateway's CPU time for it (recorder, GC and JIT included).
 * Finally N idle clients (a separate JVM) hold connections through the gateway while its RSS is read.
 *
 * <p>Usage: {@code bench/pgbench.sh [--seconds N] [--clients 1,8,32] [--modes simple,prepared]
 * [--targets direct,fail-closed,best-effort,pgbouncer,connector] [--warmup S] [--jit-warmup S] [--idle 1000]
 * [--scale 10] [--recorder-queue N] [--commit-journal on|off] [--config KEY=VALUE ...] [--rounds N]}: {@code --config} sets any gateway
 * configuration key (repeatable); {@code --rounds N} runs each row's targets N times in alternation and judges the
 * targets on each cell's median. {@code --jit-warmup}: seconds of unmeasured pgbench (8 clients) through each
 * gateway target before the first cell (default twice {@code --warmup}, at least 2). Its temporary directories (gateway data, SQLite log, pgbouncer files) are deleted at the end.
 */
public final class PgBench {
    private PgBench() {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IDENTITY = "bench";
    private static final String DATABASE = "bench";
    private static final String CONNECTOR = "bench-net";

    /** {@code proxyPid}: an external proxy process whose CPU time is charged per statement (0: none). */
    record Target(String name, int port, String user, String dbname, String password, boolean gateway, long proxyPid) {}

    record Run(
            double tps,
            double latencyMs,
            long transactions,
            double cpuMicrosPerStatement,
            double eventsPerStatement,
            double eventsWrittenPerSecond,
            double commitsPerSecond,
            double microsPerCommit,
            String threadCpu,
            String note) {}

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int warmup = 2;
        int jitWarmup = -1;
        int idle = 1000;
        int scale = 10;
        String recorderQueue = null;
        String commitJournal = null;
        int roundCount = 1;
        Map<ConfigKey, String> extraConfig = new EnumMap<>(ConfigKey.class);
        List<Integer> clients = List.of(1, 8, 32);
        List<String> modes = List.of("simple", "prepared");
        List<String> targets = List.of("direct", "fail-closed", "best-effort", "pgbouncer", "connector");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--jit-warmup" -> jitWarmup = Integer.parseInt(args[++i]);
                case "--idle" -> idle = Integer.parseInt(args[++i]);
                case "--scale" -> scale = Integer.parseInt(args[++i]);
                case "--recorder-queue" -> recorderQueue = args[++i];
                case "--commit-journal" -> commitJournal = args[++i];
                case "--rounds" -> roundCount = Integer.parseInt(args[++i]);
                case "--config" -> {
                    String[] kv = args[++i].split("=", 2);
                    ConfigKey key = ConfigKey.byKey(kv[0])
                            .orElseThrow(() -> new IllegalArgumentException("unknown gateway config key " + kv[0]));
                    extraConfig.put(key, kv.length > 1 ? kv[1] : "");
                }
                case "--clients" -> clients = parseInts(args[++i]);
                case "--modes" -> modes = List.of(args[++i].split(","));
                case "--targets" -> targets = List.of(args[++i].split(","));
                default ->
                    throw new IllegalArgumentException(
                            "unknown argument " + args[i]
                                    + "; expected --seconds N, --clients 1,8,32, --modes simple,prepared,"
                                    + " --targets direct,fail-closed,best-effort,pgbouncer,connector, --warmup S, --jit-warmup S,"
                                    + " --idle N, --scale S,"
                                    + " --recorder-queue N, --commit-journal on|off, --config KEY=VALUE (a gateway key), --rounds N");
            }
        }
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "gatehouse-pgbench");
        FsyncProbe.Result fsync = FsyncProbe.measure(work, Duration.ofSeconds(3));
        System.out.printf(
                Locale.ROOT,
                "disk reference (%s): %.0f fsyncs/s, %.0f µs per write+fsync%n",
                work,
                fsync.fsyncsPerSecond(),
                fsync.microsPerFsync());

        // max_connections: 32 pgbench clients per target, and the idle test's connections (one upstream each)
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", Integer.toString(Math.max(200, idle + 100)))
                .start();
        Pgbouncer pgbouncer = null;
        Gateway gateway = null;
        ConnectorProcess connector = null;
        try {
            try (Connection c = postgres.getPostgresDatabase().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
            int pgPort = postgres.getPort();
            exec(
                    List.of(
                            "pgbench",
                            "-i",
                            "-q",
                            "-s",
                            Integer.toString(scale),
                            "-h",
                            "127.0.0.1",
                            "-p",
                            Integer.toString(pgPort),
                            "-U",
                            "postgres",
                            DATABASE),
                    Map.of());
            System.out.printf(Locale.ROOT, "postgresql: 127.0.0.1:%d, pgbench -i -s %d done%n", pgPort, scale);

            Path data = Files.createDirectory(work.resolve("gateway"));
            AtomicReference<String> adminToken = new AtomicReference<>();
            gateway = Gateway.start(
                    gatewayConfig(data, recorderQueue, commitJournal, extraConfig),
                    Clock.systemUTC(),
                    first -> adminToken.set(first.adminToken()));
            Admin admin = new Admin(gateway, data, adminToken.get());
            admin.post("/api/v1/identities", Map.of("name", IDENTITY, "kind", "agent", "role", "user"));
            String token = admin.post("/api/v1/tokens", Map.of("identity", IDENTITY))
                    .get("token")
                    .asText();
            for (String durability : List.of("fail-closed", "best-effort")) {
                admin.postgresConnection(durability, IDENTITY, pgPort, DATABASE, Map.of("durability", durability));
            }
            if (targets.contains("connector")) {
                connector = startConnector(gateway, admin, data, work.resolve("connector"));
                admin.postgresConnection("via-connector", IDENTITY, pgPort, DATABASE, Map.of("connector", CONNECTOR));
            }
            System.out.printf(
                    Locale.ROOT,
                    "gateway: pg port %d, connections fail-closed and best-effort (recording: default content),"
                            + " recorder queue %s, store commit journal %s%n",
                    gateway.pgPort(),
                    recorderQueue == null ? "default" : recorderQueue,
                    commitJournal == null ? "default (on)" : commitJournal);

            Map<String, Target> all = new LinkedHashMap<>();
            all.put("direct", new Target("direct", pgPort, "postgres", DATABASE, "", false, 0));
            all.put(
                    "fail-closed",
                    new Target("fail-closed", gateway.pgPort(), IDENTITY, "fail-closed", token, true, 0));
            all.put(
                    "best-effort",
                    new Target("best-effort", gateway.pgPort(), IDENTITY, "best-effort", token, true, 0));
            if (connector != null) {
                all.put(
                        "connector",
                        new Target("connector", gateway.pgPort(), IDENTITY, "via-connector", token, true, 0));
                System.out.printf(
                        Locale.ROOT,
                        "connector: a separate process (pid %d), connection via-connector (fail-closed)%n",
                        connector.pid());
            }
            if (targets.contains("pgbouncer")) {
                pgbouncer = Pgbouncer.start(pgPort, freePort(), DATABASE);
                all.put(
                        "pgbouncer",
                        new Target("pgbouncer", pgbouncer.port(), "postgres", DATABASE, "", false, pgbouncer.pid()));
                System.out.printf(Locale.ROOT, "pgbouncer: session mode on 127.0.0.1:%d%n", pgbouncer.port());
            }

            // JIT warm-up of the gateway before anything is measured. C2 keeps a core about 60 % busy for some
            // 10 s after the gateway starts taking statements (perf, session 5): without enough of this, the
            // first gateway cell (fail-closed at one client) pays for the compiler.
            int jitSeconds = jitWarmup >= 0 ? jitWarmup : Math.max(2, warmup * 2);
            for (String name : List.of("fail-closed", "best-effort", "connector")) {
                if (targets.contains(name) && jitSeconds > 0) {
                    for (String mode : modes) {
                        pgbench(gateway, all.get(name), mode, 8, jitSeconds);
                    }
                }
            }

            System.out.printf(
                    Locale.ROOT,
                    "%ncells: %d s each after a %d s warm-up; CPU/stmt = the proxy's CPU time over"
                            + " the run / statements (gateway: this JVM's process CPU time; pgbouncer: its utime+stime)%n%n",
                    seconds,
                    warmup);
            System.out.printf(
                    Locale.ROOT,
                    "%-8s %7s %-12s %9s %10s %8s %10s %12s %10s %12s %10s %10s %11s%n",
                    "mode",
                    "clients",
                    "target",
                    "tps",
                    "avg lat",
                    "×direct",
                    "×pgbouncer",
                    "CPU/stmt",
                    "gw RSS",
                    "events/stmt",
                    "written/s",
                    "commits/s",
                    "µs/commit");
            Map<String, Run> results = new HashMap<>();
            Map<String, List<Run>> rounds = new LinkedHashMap<>();
            for (String mode : modes) {
                for (int c : clients) {
                    for (int round = 0; round < roundCount; round++) {
                        for (String name : targets) {
                            Target t = all.get(name);
                            if (t == null) {
                                throw new IllegalArgumentException("unknown target " + name);
                            }
                            if (warmup > 0) {
                                pgbench(gateway, t, mode, c, warmup);
                            }
                            Run r = pgbench(gateway, t, mode, c, seconds);
                            results.put(key(mode, c, name), r);
                            rounds.computeIfAbsent(key(mode, c, name), k -> new ArrayList<>())
                                    .add(r);
                            printRow(mode, c, t, r, results);
                        }
                    }
                }
            }
            if (roundCount > 1) {
                // Adjacent cells of one build still differ by up to a third on this VM: the targets are judged
                // on each cell's median over the rounds, which ran in alternation.
                System.out.printf(Locale.ROOT, "%nmedians over %d alternating rounds:%n", roundCount);
                for (String mode : modes) {
                    for (int c : clients) {
                        for (String name : targets) {
                            Run median = median(rounds.get(key(mode, c, name)));
                            results.put(key(mode, c, name), median);
                            printRow(mode, c, all.get(name), median, results);
                        }
                    }
                }
            }

            System.out.printf(Locale.ROOT, "%ntargets (issue 5):%n");
            for (String mode : modes) {
                for (int c : clients) {
                    if (c >= 8) {
                        check(
                                results,
                                mode,
                                c,
                                "best-effort",
                                "pgbouncer",
                                1.0,
                                "best-effort ≥ 1.0× pgbouncer (%s, %d clients): %.2f×%n");
                    }
                    if (c >= 32) {
                        check(
                                results,
                                mode,
                                c,
                                "fail-closed",
                                "best-effort",
                                0.8,
                                "fail-closed ≥ 0.8× best-effort (%s, %d clients): %.2f×%n");
                    }
                }
                Run fc = results.get(key(mode, 1, "fail-closed"));
                Run be = results.get(key(mode, 1, "best-effort"));
                if (fc != null && be != null) {
                    double added = (fc.latencyMs - be.latencyMs) * 1000;
                    double allowed = fsync.microsPerFsync() + 50;
                    System.out.printf(
                            Locale.ROOT,
                            "  fail-closed added latency at 1 client (%s): %.0f µs (allowed: one fsync %.0f µs + 50 = "
                                    + "%.0f µs) %s%n",
                            mode,
                            added,
                            fsync.microsPerFsync(),
                            allowed,
                            added <= allowed ? "met" : "MISSED");
                }
            }

            if (idle > 0) {
                idleConnections(gateway, token, idle);
            }
        } finally {
            if (pgbouncer != null) {
                pgbouncer.close();
            }
            if (connector != null) {
                connector.close();
            }
            if (gateway != null) {
                gateway.close();
            }
            postgres.close();
            deleteRecursively(work);
        }
    }

    private static void check(
            Map<String, Run> results, String mode, int c, String a, String b, double min, String format) {
        Run x = results.get(key(mode, c, a));
        Run y = results.get(key(mode, c, b));
        if (x != null && y != null) {
            double r = x.tps / y.tps;
            String broken = x.note.isEmpty() && y.note.isEmpty() ? "" : " (see the notes in the table)";
            System.out.printf(
                    Locale.ROOT,
                    "  " + format.replace("%n", " %s%s%n"),
                    mode,
                    c,
                    r,
                    r >= min ? "met" : "MISSED",
                    broken);
        }
    }

    private static void idleConnections(Gateway gateway, String token, int count) throws Exception {
        System.gc();
        Thread.sleep(1000); // G1 uncommits the heap it shrinks after a full GC
        long before = rssBytes("VmRSS");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        IdleClients.class.getName(),
                        "127.0.0.1",
                        Integer.toString(gateway.pgPort()),
                        "fail-closed",
                        IDENTITY,
                        Integer.toString(count))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("PGPASSWORD", token);
        Process clients = pb.start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            if (line == null || !line.startsWith("ready ")) {
                throw new IllegalStateException("idle clients failed: " + line);
            }
            String[] parts = line.split(" ");
            Thread.sleep(3000);
            long held = rssBytes("VmRSS");
            System.gc();
            Thread.sleep(1000);
            long afterGc = rssBytes("VmRSS");
            Runtime rt = Runtime.getRuntime();
            System.out.printf(
                    Locale.ROOT,
                    "%nidle: %s client connections (fail-closed, each with its upstream) opened in %s s and held;"
                            + " gateway RSS %s before, %s held, %s after a GC; peak %s; heap used %s of %s"
                            + " committed; %.0f KiB RSS per connection; target ≤ 1024 MiB: %s%n",
                    parts[1],
                    parts[2],
                    mib(before),
                    mib(held),
                    mib(afterGc),
                    mib(rssBytes("VmHWM")),
                    mib(rt.totalMemory() - rt.freeMemory()),
                    mib(rt.totalMemory()),
                    (held - before) / 1024.0 / count,
                    held <= 1024L * 1024 * 1024 ? "met" : "MISSED");
            clients.getOutputStream().close();
            clients.waitFor(30, TimeUnit.SECONDS);
        } finally {
            clients.destroy();
        }
    }

    /** A connector as its own JVM process, registered and online, for the {@code connector} target. */
    private static ConnectorProcess startConnector(Gateway gateway, Admin admin, Path data, Path dir)
            throws IOException, InterruptedException {
        String token = admin.post("/api/v1/connectors", Map.of("name", CONNECTOR))
                .get("token")
                .asText();
        ConnectorProcess connector = ConnectorProcess.start(
                dir, gateway.tunnelPort(), token, data.resolve("tls").resolve("ca.crt"), Map.of());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!gateway.connectors().isOnline(CONNECTOR)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("connector did not come online:\n" + connector.output());
            }
            Thread.sleep(50);
        }
        return connector;
    }

    static GatewayConfig gatewayConfig(
            Path data, String recorderQueue, String commitJournal, Map<ConfigKey, String> extra) {
        Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
        flags.putAll(extra);
        flags.put(ConfigKey.DATA, data.toString());
        flags.put(ConfigKey.API_PORT, "0");
        flags.put(ConfigKey.PG_PORT, "0");
        flags.put(ConfigKey.TUNNEL_PORT, "0");
        if (recorderQueue != null) {
            flags.put(ConfigKey.RECORDER_QUEUE, recorderQueue);
        }
        if (commitJournal != null) {
            flags.put(ConfigKey.STORE_COMMIT_JOURNAL, commitJournal);
        }
        return new ConfigLoader(Map.of()).load(null, flags);
    }

    /** One pgbench run; the gateway's CPU per statement is this JVM's process CPU time over it. */
    static Run pgbench(Gateway gateway, Target t, String mode, int clients, int seconds)
            throws IOException, InterruptedException {
        List<String> cmd = List.of(
                "pgbench",
                "-n",
                "-S",
                "-M",
                mode,
                "-c",
                Integer.toString(clients),
                "-j",
                Integer.toString(Math.min(clients, 2)),
                "-T",
                Integer.toString(seconds),
                "-P",
                "1",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(t.port),
                "-U",
                t.user,
                t.dbname);
        awaitRecorderDrained(gateway);
        long cpu0 = t.proxyPid != 0 ? processCpuNanos(t.proxyPid) : processCpuNanos();
        long cpuPid = t.proxyPid != 0 ? t.proxyPid : ProcessHandle.current().pid();
        List<ThreadCpu.Group> groups = t.proxyPid != 0 ? List.of() : ThreadCpu.GATEWAY_GROUPS;
        ThreadCpu.Snapshot threads0 = ThreadCpu.take(cpuPid, groups);
        long written0 = gateway.writer().written();
        long commits0 = gateway.writer().commits();
        long commitNanos0 = gateway.writer().commitNanos();
        long t0 = System.nanoTime();
        Result result = exec(cmd, Map.of("PGPASSWORD", t.password, "PGSSLMODE", "disable"), seconds + 30);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long cpu = (t.proxyPid != 0 ? processCpuNanos(t.proxyPid) : processCpuNanos()) - cpu0;
        ThreadCpu.Snapshot threads1 = ThreadCpu.take(cpuPid, groups);
        long written = gateway.writer().written() - written0;
        long commits = gateway.writer().commits() - commits0;
        long commitNanos = gateway.writer().commitNanos() - commitNanos0;
        String out = result.out;
        List<String> notes = new ArrayList<>();
        String processed = findOptional(out, "number of transactions actually processed: (\\d+)");
        String tps = findOptional(out, "tps = ([0-9.]+) \\(without initial connection time\\)");
        if (tps == null) {
            // killed before its summary: the per-second progress lines say how far it got
            List<Double> perSecond = new ArrayList<>();
            Matcher m = Pattern.compile("progress: [0-9.]+ s, ([0-9.]+) tps").matcher(out);
            while (m.find()) {
                perSecond.add(Double.parseDouble(m.group(1)));
            }
            notes.add("progress tps per second: " + perSecond);
        }
        String latency = findOptional(out, "latency average = ([0-9.]+) ms");
        long transactions = processed == null ? 0 : Long.parseLong(processed);
        long aborted = out.lines().filter(l -> l.contains(" aborted ")).count();
        if (result.timedOut) {
            notes.add("pgbench hung: killed after " + (seconds + 30) + " s");
        }
        if (aborted > 0) {
            notes.add(aborted + " of " + clients + " clients aborted: "
                    + out.lines()
                            .filter(l -> l.contains(" aborted "))
                            .findFirst()
                            .orElse("")
                            .replaceAll(".*(FATAL|ERROR): *", "")
                            .strip());
        } else if (result.rc != 0 && !result.timedOut) {
            notes.add("pgbench exit " + result.rc + ": " + out.strip());
        }
        return new Run(
                tps == null ? Double.NaN : Double.parseDouble(tps),
                latency == null ? Double.NaN : Double.parseDouble(latency),
                transactions,
                cpu / 1000.0 / Math.max(1, transactions),
                (double) written / Math.max(1, transactions),
                written / elapsed,
                commits / elapsed,
                commits == 0 ? Double.NaN : commitNanos / 1000.0 / commits,
                threads1.perStatement(threads0, transactions),
                String.join("; ", notes));
    }

    /**
     * Best-effort events still queued from the previous cell would be written during the next one and
     * charge its CPU; wait (up to 60 s) until the recorder has caught up.
     */
    private static void awaitRecorderDrained(Gateway gateway) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (gateway.writer().backlog() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static String exec(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        Result r = exec(cmd, env, 600);
        if (r.rc != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.rc + "):\n" + r.out);
        }
        return r.out;
    }

    record Result(int rc, String out, boolean timedOut) {}

    /** Runs a command, killing it after {@code timeoutSeconds} (a client the gateway never answers). */
    private static Result exec(List<String> cmd, Map<String, String> env, int timeoutSeconds)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("gatehouse-pgbench", ".out");
        try {
            ProcessBuilder pb =
                    new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!done) {
                p.destroy(); // SIGTERM: pgbench still prints what it measured
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            }
            return new Result(p.exitValue(), Files.readString(log), !done);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String find(String text, String regex) {
        String v = findOptional(text, regex);
        if (v == null) {
            throw new IllegalStateException("no '" + regex + "' in pgbench output:\n" + text);
        }
        return v;
    }

    private static String findOptional(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** utime + stime of another process from /proc/PID/stat, in nanoseconds (10 ms resolution). */
    private static long processCpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
            return ticks * 10_000_000L; // USER_HZ is 100 on Linux
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** VmRSS or VmHWM of this process, in bytes. */
    static long rssBytes(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1024.0 / 1024.0);
    }

    private static void printRow(String mode, int c, Target t, Run r, Map<String, Run> results) {
        Run direct = results.get(key(mode, c, "direct"));
        Run bouncer = results.get(key(mode, c, "pgbouncer"));
        System.out.printf(
                Locale.ROOT,
                "%-8s %7d %-12s %9.0f %8.3fms %8s %10s %12s %10s %12s %10s %10s %11s%s%n",
                mode,
                c,
                t.name(),
                r.tps,
                r.latencyMs,
                ratio(r, direct),
                ratio(r, bouncer),
                t.gateway || t.proxyPid != 0 ? String.format(Locale.ROOT, "%.1fµs", r.cpuMicrosPerStatement) : "-",
                t.gateway ? mib(rssBytes("VmRSS")) : "-",
                t.gateway ? String.format(Locale.ROOT, "%.2f", r.eventsPerStatement) : "-",
                t.gateway ? String.format(Locale.ROOT, "%.0f", r.eventsWrittenPerSecond) : "-",
                t.gateway ? String.format(Locale.ROOT, "%.0f", r.commitsPerSecond) : "-",
                t.gateway ? String.format(Locale.ROOT, "%.0f", r.microsPerCommit) : "-",
                r.note.isEmpty() ? "" : "  [" + r.note + "]");
        if ((t.gateway || t.proxyPid != 0) && !r.threadCpu.isEmpty()) {
            System.out.printf(
                    Locale.ROOT,
                    "%34s CPU µs/stmt by thread (sys; runq: µs waiting to run, sw: switches in): %s%n",
                    "",
                    r.threadCpu);
        }
    }

    /** Each figure's median over the rounds (each taken on its own: tps and latency may come from different rounds). */
    private static Run median(List<Run> runs) {
        return new Run(
                median(runs, Run::tps),
                median(runs, Run::latencyMs),
                runs.stream().mapToLong(Run::transactions).sum(),
                median(runs, Run::cpuMicrosPerStatement),
                median(runs, Run::eventsPerStatement),
                median(runs, Run::eventsWrittenPerSecond),
                median(runs, Run::commitsPerSecond),
                median(runs, Run::microsPerCommit),
                "",
                String.join(
                        "; ",
                        runs.stream().map(Run::note).filter(n -> !n.isEmpty()).toList()));
    }

    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> figure) {
        double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static String ratio(Run r, Run reference) {
        return reference == null ? "-" : String.format(Locale.ROOT, "%.2f×", r.tps / reference.tps);
    }

    private static String key(String mode, int clients, String target) {
        return mode + "/" + clients + "/" + target;
    }

    static void deleteRecursively(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static List<Integer> parseInts(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            out.add(Integer.parseInt(s.strip()));
        }
        return out;
    }

    /** The REST API as the first admin, over HTTPS pinned to the data directory's dev CA. */
    record Admin(HttpClient http, URI base, String token) {
        Admin(Gateway gateway, Path data, String token) {
            this(
                    HttpClient.newBuilder()
                            .sslContext(ClientTls.trusting(data.resolve("tls").resolve("ca.crt")))
                            .build(),
                    URI.create("https://127.0.0.1:" + gateway.apiPort()),
                    token);
        }

        /**
         * A postgres connection {@code name} to the database {@code database} at 127.0.0.1:{@code port} (as
         * user postgres), with {@code extra} fields, granted to {@code identity}.
         */
        void postgresConnection(String name, String identity, int port, String database, Map<String, String> extra)
                throws IOException, InterruptedException {
            Map<String, String> body = new java.util.HashMap<>(Map.of(
                    "name",
                    name,
                    "type",
                    "postgres",
                    "target",
                    "127.0.0.1:" + port,
                    "username",
                    "postgres",
                    "database",
                    database));
            body.putAll(extra);
            post("/api/v1/connections", body);
            post("/api/v1/grants", Map.of("identity", identity, "connection", name));
        }

        JsonNode post(String path, Object body) throws IOException, InterruptedException {
            HttpResponse<byte[]> r = http.send(
                    HttpRequest.newBuilder(base.resolve(path))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 201) {
                throw new IllegalStateException(
                        "POST " + path + " -> " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
            }
            return JSON.readTree(r.body());
        }
    }
}
