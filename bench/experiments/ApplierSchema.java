import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Random;
import java.util.UUID;

/**
 * One-off experiment (session 8, docs/benchmarks.md): what the journal applier's SQLite work costs per event
 * with the store's log schema and with variants of it, each on a fresh file, alternating. Entries arrive as
 * the applier applies them under load: 1,400 per transaction (50 ms of 28k events/s), from 32 interleaved
 * sessions, ~400-byte events; WAL, synchronous=NORMAL, as in SqliteDatabase.
 *
 * <pre>
 *   current        log_entries (rowid table, PRIMARY KEY (log_id, idx), index by session), nodes of level >= 4
 *   without-rowid  the same, log_entries WITHOUT ROWID
 *   all-nodes      the same as current, but every completed subtree stored (before StoredTree.STORED_LEVEL)
 *   no-session-idx all-nodes without log_entries_by_session
 * </pre>
 *
 * <p>Run: {@code java -cp ~/.m2/repository/org/xerial/sqlite-jdbc/3.54.1.0/sqlite-jdbc-3.54.1.0.jar
 * bench/experiments/ApplierSchema.java /tmp} (a JDK >= 21).
 */
public class ApplierSchema {
    private static final int EVENTS = 200_000;
    private static final int PER_TRANSACTION = 1_400;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String[] sessions = new String[32];
        for (int i = 0; i < sessions.length; i++) {
            sessions[i] = UUID.randomUUID().toString();
        }
        Random random = new Random(1);
        byte[][] events = new byte[64][];
        for (int i = 0; i < events.length; i++) {
            events[i] = new byte[350 + random.nextInt(100)];
            random.nextBytes(events[i]);
        }
        double baseline = 0;
        for (int round = 0; round < 2; round++) {
            for (String variant : new String[] {"current", "without-rowid", "all-nodes", "no-session-idx"}) {
                double micros = run(dir, variant, sessions, events, new Random(2));
                if (variant.equals("current")) {
                    baseline = micros;
                }
                System.out.printf("%-15s %.2f µs CPU per event  %.2f× current%n", variant, micros, micros / baseline);
            }
        }
    }

    private static double run(Path dir, String variant, String[] sessions, byte[][] events, Random random)
            throws Exception {
        Path file = Files.createTempFile(dir, "applier-schema", ".db");
        Files.delete(file);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (Connection sql = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement ddl = sql.createStatement()) {
                ddl.execute("PRAGMA journal_mode=WAL");
                ddl.execute("PRAGMA synchronous=NORMAL");
                ddl.execute("PRAGMA wal_autocheckpoint=10000");
                ddl.execute("CREATE TABLE log_entries (log_id INTEGER NOT NULL, idx INTEGER NOT NULL,"
                        + " leaf_hash BLOB NOT NULL, entry BLOB NOT NULL, session TEXT, kind TEXT NOT NULL,"
                        + " time_micros INTEGER NOT NULL, PRIMARY KEY (log_id, idx))"
                        + (variant.equals("without-rowid") ? " WITHOUT ROWID" : ""));
                if (!variant.equals("no-session-idx")) {
                    ddl.execute("CREATE INDEX log_entries_by_session ON log_entries (log_id, session, idx)");
                }
                ddl.execute("CREATE TABLE log_nodes (log_id INTEGER NOT NULL, level INTEGER NOT NULL,"
                        + " idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (log_id, level, idx)) WITHOUT ROWID");
            }
            sql.setAutoCommit(false);
            int lowestStored = variant.equals("all-nodes") || variant.equals("no-session-idx") ? 1 : 4;
            try (PreparedStatement entry = sql.prepareStatement("INSERT INTO log_entries"
                            + " (log_id, idx, leaf_hash, entry, session, kind, time_micros) VALUES (?, ?, ?, ?, ?, ?, ?)");
                    PreparedStatement node =
                            sql.prepareStatement("INSERT INTO log_nodes (log_id, level, idx, hash) VALUES (?, ?, ?, ?)")) {
                long cpu = threads.getCurrentThreadCpuTime();
                for (int first = 0; first < EVENTS; first += PER_TRANSACTION) {
                    for (int i = first; i < first + PER_TRANSACTION; i++) {
                        byte[] hash = new byte[32];
                        random.nextBytes(hash);
                        entry.setLong(1, 1);
                        entry.setLong(2, i);
                        entry.setBytes(3, hash);
                        entry.setBytes(4, events[i & 63]);
                        entry.setString(5, sessions[(i * 7) & 31]);
                        entry.setString(6, "command");
                        entry.setLong(7, 1_700_000_000_000_000L + i * 40L);
                        entry.addBatch();
                        // the subtrees that leaf i completes: level k when i + 1 is a multiple of 2^k
                        for (int level = 1; ((i + 1) & ((1 << level) - 1)) == 0; level++) {
                            if (level >= lowestStored) {
                                node.setLong(1, 1);
                                node.setInt(2, level);
                                node.setLong(3, (i + 1L) >> level);
                                node.setBytes(4, hash);
                                node.addBatch();
                            }
                        }
                    }
                    entry.executeBatch();
                    node.executeBatch();
                    sql.commit();
                }
                return (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / EVENTS;
            }
        } finally {
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(Path.of(file + suffix));
            }
        }
    }
}
