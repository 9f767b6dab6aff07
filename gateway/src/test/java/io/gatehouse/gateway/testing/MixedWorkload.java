package io.gatehouse.gateway.testing;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventCodec;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.MalformedRecordException;
import io.gatehouse.audit.Value;
import io.gatehouse.store.LogEntry;
import io.gatehouse.store.LogRepository;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * A mixed statement workload over many concurrent pgJDBC sessions through the gateway, for the soak harness
 * ({@code bench/soak.sh}, issue 7) and its short form in the test suite. Each session loops, with a think
 * time between steps, over: a simple query, a prepared query with a parameter, an insert, an explicit
 * transaction that commits two inserts, one that rolls an insert back, and a statement that fails with
 * {@code 22012} (division by zero). It counts every statement it executed, since each JDBC execute is one
 * statement the gateway must record, and every row it committed, each carrying a unique {@code (session, n)}.
 *
 * <p>The ground truth afterwards: the table's rows (read directly from the database) must equal the committed
 * count and each must have its recorded {@code INSERT} with those parameters ({@link #recordedInserts}); the
 * recorded {@code command} events of the identity must equal the statements counted.
 */
public final class MixedWorkload {
    public static final String TABLE = "soak_items";

    private MixedWorkload() {}

    /** What the sessions did; {@code unexpected} holds one line per session that stopped on an error. */
    public record Result(
            int sessions, long statements, long committedRows, long expectedErrors, List<String> unexpected) {}

    /** Creates the workload's table, directly on the database. */
    public static void createTable(Connection direct) throws SQLException {
        try (Statement s = direct.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id bigserial PRIMARY KEY, session int NOT NULL,"
                    + " n int NOT NULL, note text NOT NULL, UNIQUE (session, n))");
        }
    }

    /**
     * Runs {@code sessions} concurrent sessions (virtual threads) against {@code url} for {@code duration}, each
     * pausing a random 0–2× {@code think} between steps. Sessions are numbered from {@code firstSession}.
     */
    public static Result run(
            String url, String user, String password, int firstSession, int sessions, Duration duration, Duration think)
            throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        LongAdder statements = new LongAdder();
        LongAdder committed = new LongAdder();
        LongAdder expected = new LongAdder();
        List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < sessions; i++) {
                int session = firstSession + i;
                threads.submit(() -> {
                    try {
                        session(url, user, password, session, deadline, think, statements, committed, expected);
                    } catch (SQLException e) {
                        unexpected.add("session " + session + ": " + e.getSQLState() + " " + e.getMessage());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        }
        return new Result(sessions, statements.sum(), committed.sum(), expected.sum(), List.copyOf(unexpected));
    }

    private static void session(
            String url,
            String user,
            String password,
            int session,
            long deadline,
            Duration think,
            LongAdder statements,
            LongAdder committed,
            LongAdder expected)
            throws SQLException, InterruptedException {
        try (Connection c = DriverManager.getConnection(url, user, password);
                Statement plain = c.createStatement();
                PreparedStatement count = c.prepareStatement("SELECT count(*) FROM " + TABLE + " WHERE session = ?");
                PreparedStatement insert =
                        c.prepareStatement("INSERT INTO " + TABLE + " (session, n, note) VALUES (?, ?, ?)")) {
            // pgJDBC runs one statement of its own at connect unless assumeMinServerVersion >= 9.0 is set:
            // SET application_name (it passes the name in the startup packet only when told the server's version).
            statements.increment();
            int n = 0;
            long step = ThreadLocalRandom.current().nextInt(6); // sessions start at different steps
            while (System.nanoTime() < deadline) {
                switch ((int) (step++ % 6)) {
                    case 0 -> {
                        try (ResultSet rs = plain.executeQuery("SELECT now(), " + step)) {
                            rs.next();
                        }
                        statements.increment();
                    }
                    case 1 -> {
                        count.setInt(1, session);
                        try (ResultSet rs = count.executeQuery()) {
                            rs.next();
                        }
                        statements.increment();
                    }
                    case 2 -> {
                        insert(insert, session, n++);
                        statements.increment();
                        committed.increment();
                    }
                    case 3 -> {
                        plain.execute("BEGIN");
                        insert(insert, session, n++);
                        insert(insert, session, n++);
                        plain.execute("COMMIT");
                        statements.add(4);
                        committed.add(2);
                    }
                    case 4 -> {
                        plain.execute("BEGIN");
                        insert(insert, session, -1 - n); // negative: never committed
                        plain.execute("ROLLBACK");
                        statements.add(3);
                    }
                    default -> {
                        try (ResultSet rs = plain.executeQuery("SELECT 1 / (" + step + " - " + step + ")")) {
                            throw new SQLException("1/0 succeeded", "XX000");
                        } catch (SQLException e) {
                            if (!"22012".equals(e.getSQLState())) {
                                throw e;
                            }
                        }
                        statements.increment();
                        expected.increment();
                    }
                }
                long pause =
                        think.toNanos() == 0 ? 0 : ThreadLocalRandom.current().nextLong(2 * think.toNanos());
                Thread.sleep(Duration.ofNanos(pause));
            }
        }
    }

    private static void insert(PreparedStatement insert, int session, int n) throws SQLException {
        insert.setInt(1, session);
        insert.setInt(2, n);
        insert.setString(3, "soak " + session + "/" + n);
        insert.executeUpdate();
    }

    /** What the log says about one identity's statements. */
    public record Recorded(long commands, Set<String> inserts, long events) {}

    /**
     * Reads every event of {@code origin}: the {@code command} events of {@code identity}, and the {@code
     * (session, n)} of each recorded insert into the workload's table, as {@code "session/n"}.
     */
    public static Recorded recorded(LogRepository log, String origin, String identity) throws MalformedRecordException {
        long commands = 0;
        long events = 0;
        Set<String> inserts = new HashSet<>();
        long next = 0;
        while (true) {
            List<LogEntry> page = log.read(origin, next, 5000);
            if (page.isEmpty()) {
                return new Recorded(commands, inserts, events);
            }
            for (LogEntry entry : page) {
                events++;
                Event event = EventCodec.decode(entry.entry());
                if (event.kind() == EventKind.COMMAND && identity.equals(event.identity())) {
                    commands++;
                    if (event.field("sql") instanceof Value.Str(String sql)
                            && sql.startsWith("INSERT INTO " + TABLE)
                            && event.field("parameters") instanceof Value.List(List<Value> p)
                            && p.size() >= 2) {
                        inserts.add(text(p.get(0)) + "/" + text(p.get(1)));
                    }
                }
            }
            next = page.get(page.size() - 1).index() + 1;
        }
    }

    private static String text(Value value) {
        return switch (value) {
            case Value.Str(String s) -> s;
            case Value.Int(long l) -> Long.toString(l);
            default -> String.valueOf(value);
        };
    }

    /** The {@code "session/n"} of every row in the table, read directly from the database. */
    public static Set<String> rows(Connection direct) throws SQLException {
        Set<String> rows = new HashSet<>();
        try (Statement s = direct.createStatement();
                ResultSet rs = s.executeQuery("SELECT session, n FROM " + TABLE)) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + "/" + rs.getInt(2));
            }
        }
        return rows;
    }
}
