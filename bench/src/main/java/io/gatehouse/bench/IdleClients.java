package io.gatehouse.bench;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Opens N pgJDBC connections through the gateway and holds them idle until its standard input closes. Runs
 * in its own JVM (started by {@link PgBench}) so that the client side's memory is not counted in the
 * gateway's RSS.
 *
 * <p>Usage: {@code IdleClients HOST PORT DBNAME USER COUNT}, password in {@code PGPASSWORD}. Prints
 * {@code ready N SECONDS} once every connection has logged in and run one {@code select 1}.
 */
public final class IdleClients {
    private IdleClients() {}

    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://" + args[0] + ":" + args[1] + "/" + args[2]
                + "?sslmode=disable&connectTimeout=60&socketTimeout=0&ApplicationName=idle-bench";
        String user = args[3];
        int count = Integer.parseInt(args[4]);
        String password = System.getenv("PGPASSWORD");
        List<Connection> open = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(() -> {
                    Connection c = DriverManager.getConnection(url, user, password);
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("select 1")) {
                        rs.next();
                    }
                    open.add(c);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        System.out.printf(Locale.ROOT, "ready %d %.1f%n", open.size(), (System.nanoTime() - start) / 1e9);
        System.out.flush();
        try {
            while (System.in.read() >= 0) {
                // hold the connections until the parent closes our stdin
            }
        } catch (IOException e) {
            // parent gone: close below
        }
        for (Connection c : open) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
    }
}
