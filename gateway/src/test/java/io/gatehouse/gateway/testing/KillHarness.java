package io.gatehouse.gateway.testing;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventCodec;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.MalformedRecordException;
import io.gatehouse.audit.Value;
import io.gatehouse.store.LogEntry;
import io.gatehouse.store.Store;
import io.gatehouse.store.StoreSettings;
import io.gatehouse.testkit.PostgresDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 7, the kill test, with the database as ground truth. Writers insert rows, each carrying a unique
 * value, through a fail-closed connection of a gateway that runs as its own JVM; the gateway is killed with
 * SIGKILL at a random moment of every round and started again on the same data directory. Afterwards every
 * row the database holds must have its {@code command} event in the log (the value appears in the recorded
 * statement text or its parameters), and the log must verify ({@code gatehouse audit verify}).
 *
 * <p>The reverse is allowed and counted: a record whose statement never reached the database (the gateway
 * made it durable, then died before forwarding it, or the database never committed it). What must never
 * happen is a row without a record: that is a statement that ran unrecorded.
 *
 * <p>Half the statements carry the value in their SQL text (no parameters), half as a Bind parameter of a
 * prepared statement (pgJDBC switches to a named server-side statement after five uses), so both ways a
 * value reaches the record are exercised.
 */
public final class KillHarness {
    /** How the values look: round, writer, sequence. Matched in SQL text and parameters alike. */
    private static final Pattern VALUE = Pattern.compile("kv-\\d+-\\d+-\\d+");

    private static final String CONNECTION = "pg-kill";

    /**
     * @param launcher the command that runs {@code gatehouse} (see {@link GatewayProcess#start})
     * @param work an empty directory for the gateway's data
     * @param rounds gateway runs, each ended by SIGKILL
     * @param writers concurrent client connections writing in every round
     * @param minRun,maxRun the kill comes at a uniformly random moment this long after the round's first commit
     * @param sharedStore a PostgreSQL store for the gateway (its {@code store.url} and credentials), or null for
     *     the embedded SQLite store in its data directory
     */
    public record Settings(
            List<String> launcher,
            Path work,
            int rounds,
            int writers,
            long seed,
            Duration minRun,
            Duration maxRun,
            StoreSettings sharedStore) {

        /** On the embedded SQLite store. */
        public Settings(
                List<String> launcher,
                Path work,
                int rounds,
                int writers,
                long seed,
                Duration minRun,
                Duration maxRun) {
            this(launcher, work, rounds, writers, seed, minRun, maxRun, null);
        }

        /** The gateway's environment: where its store is. */
        Map<String, String> environment() {
            if (sharedStore == null) {
                return Map.of();
            }
            Map<String, String> env = new java.util.HashMap<>();
            env.put("GATEHOUSE_STORE_URL", sharedStore.url());
            if (sharedStore.username() != null) {
                env.put("GATEHOUSE_STORE_USERNAME", sharedStore.username());
            }
            if (sharedStore.password() != null) {
                env.put("GATEHOUSE_STORE_PASSWORD", sharedStore.password());
            }
            return env;
        }
    }

    /**
     * What was found.
     *
     * @param kills SIGKILLs sent (one per round)
     * @param acknowledged inserts the clients saw succeed
     * @param rowsInDatabase rows the database holds at the end: the transactions that committed
     * @param recordedCommands {@code command} events carrying one of the harness's values
     * @param rowsWithoutRecord rows with no command event: statements that ran unrecorded (must be 0)
     * @param acknowledgedNotInDatabase acknowledged inserts the database does not hold (must be 0)
     * @param recordedNotInDatabase records whose statement never reached the database or never committed
     * @param unexpectedErrors client errors that were not caused by a kill (must be empty)
     * @param verified whether {@code gatehouse audit verify} accepted the log after the last kill
     * @param verifyOutput what it printed
     */
    public record Report(
            int kills,
            long acknowledged,
            long rowsInDatabase,
            long recordedCommands,
            long logSize,
            Set<String> rowsWithoutRecord,
            Set<String> acknowledgedNotInDatabase,
            long recordedNotInDatabase,
            List<String> unexpectedErrors,
            boolean verified,
            String verifyOutput) {
        public String summary() {
            return "kills " + kills + ", transactions committed in the database " + rowsInDatabase
                    + " (acknowledged to clients " + acknowledged + "), command events with a value " + recordedCommands
                    + ", log size " + logSize + "\nrows without a record: " + rowsWithoutRecord.size()
                    + sample(rowsWithoutRecord) + "\nacknowledged but not in the database: "
                    + acknowledgedNotInDatabase.size() + sample(acknowledgedNotInDatabase)
                    + "\nrecords whose statement never reached the database (recorded, then killed before it ran): "
                    + recordedNotInDatabase + "\nclient errors not caused by a kill: " + unexpectedErrors.size()
                    + (unexpectedErrors.isEmpty()
                            ? ""
                            : " " + unexpectedErrors.subList(0, Math.min(5, unexpectedErrors.size())))
                    + "\nlog verified: " + verified + " (" + verifyOutput.strip() + ")";
        }

        private static String sample(Set<String> values) {
            return values.isEmpty() ? "" : " e.g. " + values.stream().limit(5).toList();
        }
    }

    private final Settings settings;
    private final PostgresDatabase database;
    private final int databasePort;
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final List<String> unexpectedErrors = new java.util.concurrent.CopyOnWriteArrayList<>();

    private KillHarness(Settings settings, PostgresDatabase database, int databasePort) {
        this.settings = settings;
        this.database = database;
        this.databasePort = databasePort;
    }

    /** Runs every round against {@code database} (on a server at loopback {@code databasePort}). */
    public static Report run(Settings settings, PostgresDatabase database, int databasePort) throws Exception {
        return new KillHarness(settings, database, databasePort).run();
    }

    private Report run() throws Exception {
        Path data = settings.work().resolve("data");
        Random random = new Random(settings.seed());
        try (Connection direct = direct();
                Statement s = direct.createStatement()) {
            s.execute("CREATE TABLE kill_rows (v text PRIMARY KEY, writer int NOT NULL)");
        }
        String token;
        String key;
        GatewayProcess gateway = GatewayProcess.start(settings.launcher(), data, settings.environment());
        try {
            token = configure(gateway);
            key = gateway.call("/api/v1/audit/key", null, null).text().strip();
        } catch (RuntimeException e) {
            gateway.kill();
            throw e;
        }
        for (int round = 1; round <= settings.rounds(); round++) {
            if (round > 1) {
                gateway = GatewayProcess.start(settings.launcher(), data, settings.environment());
            }
            runRound(gateway, token, round, random);
        }
        CliResult verify = verify(data, key);
        return compare(data, verify);
    }

    /** An agent identity with a token, a fail-closed connection to the database, and the grant. */
    private String configure(GatewayProcess gateway) {
        String admin = gateway.initialAdminToken();
        gateway.call("/api/v1/identities", admin, Map.of("name", "writer", "kind", "agent", "role", "user"))
                .expect(201);
        String token = gateway.call("/api/v1/tokens", admin, Map.of("identity", "writer"))
                .expect(201)
                .get("token")
                .asText();
        gateway.call(
                        "/api/v1/connections",
                        admin,
                        Map.of(
                                "name",
                                CONNECTION,
                                "type",
                                "postgres",
                                "target",
                                "127.0.0.1:" + databasePort,
                                "username",
                                database.username(),
                                "database",
                                database.name(),
                                "durability",
                                "fail-closed"))
                .expect(201);
        gateway.call("/api/v1/grants", admin, Map.of("identity", "writer", "connection", CONNECTION))
                .expect(201);
        return token;
    }

    private void runRound(GatewayProcess gateway, String token, int round, Random random) throws Exception {
        AtomicBoolean killing = new AtomicBoolean();
        CountDownLatch firstCommit = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < settings.writers(); w++) {
            int writer = w;
            writers.add(Thread.ofPlatform()
                    .name("kill-writer-" + w)
                    .start(() -> write(gateway.pgPort(), token, round, writer, killing, firstCommit)));
        }
        if (!firstCommit.await(60, TimeUnit.SECONDS)) {
            gateway.kill();
            throw new IllegalStateException("round " + round + ": no insert committed through the gateway; errors "
                    + unexpectedErrors + "\n" + gateway.log());
        }
        long span = settings.maxRun().toMillis() - settings.minRun().toMillis();
        Thread.sleep(settings.minRun().toMillis() + (span > 0 ? random.nextLong(span) : 0));
        killing.set(true);
        gateway.kill();
        for (Thread t : writers) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            if (t.isAlive()) {
                throw new IllegalStateException("round " + round + ": a writer is stuck after the gateway died");
            }
        }
    }

    /** One writer: inserts until its connection breaks; only then may it stop, and only because of the kill. */
    private void write(
            int port, String token, int round, int writer, AtomicBoolean killing, CountDownLatch firstCommit) {
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + CONNECTION
                + "?sslmode=disable&connectTimeout=10&socketTimeout=60&tcpKeepAlive=true";
        try (Connection c = DriverManager.getConnection(url, "writer", token);
                Statement plain = c.createStatement();
                PreparedStatement prepared = c.prepareStatement("INSERT INTO kill_rows (v, writer) VALUES (?, ?)")) {
            for (long i = 0; ; i++) {
                String value = "kv-" + round + "-" + writer + "-" + i;
                if (i % 2 == 0) {
                    // the value is in the statement text (checked against VALUE's pattern: no quoting needed)
                    plain.executeUpdate("INSERT INTO kill_rows (v, writer) VALUES ('" + value + "', " + writer + ")");
                } else {
                    prepared.setString(1, value);
                    prepared.setInt(2, writer);
                    prepared.executeUpdate();
                }
                acknowledged.add(value);
                firstCommit.countDown();
            }
        } catch (SQLException e) {
            if (!killing.get()) {
                unexpectedErrors.add(
                        "round " + round + " writer " + writer + ": " + e.getSQLState() + " " + e.getMessage());
            }
        }
    }

    private record CliResult(int exitCode, String output) {}

    /**
     * {@code gatehouse audit verify --data DIR} (or {@code --store-url URL --key KEY} for a shared store), the
     * operator's check, run on the store the last kill left.
     */
    private CliResult verify(Path data, String key) throws Exception {
        List<String> command = new ArrayList<>(settings.launcher());
        if (settings.sharedStore() == null) {
            command.addAll(List.of("audit", "verify", "--data", data.toString()));
        } else {
            command.addAll(List.of(
                    "audit", "verify", "--store-url", settings.sharedStore().url(), "--key", key));
        }
        // stdout is the verdict; stderr has the log lines (e.g. the journal records applied on opening the store)
        Path errors = Files.createTempFile(data.getParent(), "verify", ".stderr");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
        builder.environment().putAll(settings.environment());
        Process p = builder.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("audit verify did not finish");
        }
        String logged = Files.readString(errors).strip();
        return new CliResult(
                p.exitValue(),
                new String(out, StandardCharsets.UTF_8) + (logged.isEmpty() ? "" : "\n[stderr] " + logged));
    }

    private Report compare(Path data, CliResult verify) throws SQLException {
        Set<String> rows = new HashSet<>();
        try (Connection direct = direct();
                Statement s = direct.createStatement();
                ResultSet rs = s.executeQuery("SELECT v FROM kill_rows")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        Set<String> recorded = new HashSet<>();
        long recordedCommands = 0;
        long logSize;
        StoreSettings where = settings.sharedStore() != null
                ? settings.sharedStore()
                : StoreSettings.sqlite(data.resolve("gatehouse.db"));
        try (Store store = Store.open(where)) {
            String origin = store.log().origins().get(0);
            logSize = store.log().size(origin);
            for (long from = 0; from < logSize; ) {
                List<LogEntry> page = store.log().read(origin, from, 5000);
                if (page.isEmpty()) {
                    break;
                }
                for (LogEntry entry : page) {
                    Event event = decode(entry);
                    if (event.kind() == EventKind.COMMAND) {
                        Set<String> values = values(event);
                        recordedCommands += values.isEmpty() ? 0 : 1;
                        recorded.addAll(values);
                    }
                }
                from = page.get(page.size() - 1).index() + 1;
            }
        }
        Set<String> rowsWithoutRecord = new TreeSet<>(rows);
        rowsWithoutRecord.removeAll(recorded);
        Set<String> acknowledgedNotInDatabase = new TreeSet<>(acknowledged);
        acknowledgedNotInDatabase.removeAll(rows);
        Set<String> recordedNotInDatabase = new HashSet<>(recorded);
        recordedNotInDatabase.removeAll(rows);
        return new Report(
                settings.rounds(),
                acknowledged.size(),
                rows.size(),
                recordedCommands,
                logSize,
                rowsWithoutRecord,
                acknowledgedNotInDatabase,
                recordedNotInDatabase.size(),
                List.copyOf(unexpectedErrors),
                verify.exitCode() == 0,
                verify.output());
    }

    /** The harness's values in a command event: in its SQL text and in its parameters. */
    private static Set<String> values(Event event) {
        Set<String> found = new HashSet<>();
        if (event.field("sql") instanceof Value.Str(String sql)) {
            addMatches(sql, found);
        }
        if (event.field("parameters") instanceof Value.List(List<Value> parameters)) {
            for (Value p : parameters) {
                if (p instanceof Value.Str(String s)) {
                    addMatches(s, found);
                }
            }
        }
        return found;
    }

    private static void addMatches(String text, Set<String> into) {
        Matcher m = VALUE.matcher(text);
        while (m.find()) {
            into.add(m.group());
        }
    }

    private static Event decode(LogEntry entry) {
        try {
            return EventCodec.decode(entry.entry());
        } catch (MalformedRecordException e) {
            throw new IllegalStateException("event " + entry.index() + " does not decode", e);
        }
    }

    private Connection direct() throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
    }
}
