package io.gatehouse.gateway.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client that keeps using the gateway correctly while a test attacks it: one session that runs a query
 * every 50 ms and, every tenth round, a fresh login with its own query. {@link #assertServedThroughout()}
 * fails if any of its queries or logins failed, or if it was not served at all.
 */
final class WellBehavedClient implements AutoCloseable {
    private final PgFixture pg;
    private final Thread thread;
    private final AtomicInteger served = new AtomicInteger();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private volatile boolean stop;

    private WellBehavedClient(PgFixture pg) {
        this.pg = pg;
        this.thread = Thread.ofPlatform().name("well-behaved-client").daemon().start(this::run);
    }

    static WellBehavedClient start(PgFixture pg) {
        return new WellBehavedClient(pg);
    }

    private void run() {
        try (Connection session = pg.connect("devin", pg.token)) {
            for (int round = 0; !stop; round++) {
                check(session, round);
                if (round % 10 == 9) {
                    try (Connection fresh = pg.connect("devin", pg.token)) {
                        check(fresh, round);
                    }
                }
                Thread.sleep(50);
            }
        } catch (SQLException e) {
            failures.add(e.getSQLState() + " " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void check(Connection connection, int round) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("select " + round + " + 1")) {
            rs.next();
            if (rs.getInt(1) != round + 1) {
                failures.add("round " + round + ": wrong answer " + rs.getInt(1));
            }
            served.incrementAndGet();
        }
    }

    int served() {
        return served.get();
    }

    /** Waits until at least {@code more} further queries were answered (proof that it is served now). */
    void awaitServed(int more) throws InterruptedException {
        int target = served.get() + more;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (served.get() < target && failures.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(failures).as("the well-behaved client's failures").isEmpty();
        assertThat(served.get())
                .as("queries the well-behaved client got answered")
                .isGreaterThanOrEqualTo(target);
    }

    void assertServedThroughout() throws InterruptedException {
        awaitServed(3);
        close();
        assertThat(failures).as("the well-behaved client's failures").isEmpty();
    }

    @Override
    public void close() {
        stop = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
