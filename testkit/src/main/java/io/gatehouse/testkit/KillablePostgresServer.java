package io.gatehouse.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server of its own (not the shared one) that a test can kill and start again, on the same
 * data directory and the same loopback port: for "the store died" tests, where the code under test must
 * notice the server is gone and carry on when it is back, without being told.
 *
 * <p>{@link #kill()} sends SIGKILL to the postmaster and every backend, as the OOM killer or a crashed host
 * would; nothing is flushed or shut down cleanly, so {@link #restart()} goes through PostgreSQL's crash
 * recovery. (fsync stays off as in the shared server: a killed process loses nothing the kernel already has.)
 */
public final class KillablePostgresServer implements AutoCloseable {
    private static final String SUPERUSER = "postgres";

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres postgres;

    private KillablePostgresServer(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    /** Starts a fresh server whose data directory is {@code dataDirectory} (created by initdb if absent). */
    public static KillablePostgresServer start(Path dataDirectory) {
        KillablePostgresServer server = new KillablePostgresServer(dataDirectory, freePort());
        server.postgres = server.launch();
        return server;
    }

    public int port() {
        return port;
    }

    /** Creates an empty database {@code name} (letters, digits, underscores) and returns its JDBC URL. */
    public String createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("database name '" + name + "' must match [a-z_][a-z0-9_]*");
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name); // checked against the pattern above
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database '" + name + "' on port " + port, e);
        }
        return jdbcUrl(name);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String username() {
        return SUPERUSER;
    }

    /** SIGKILL to the postmaster and all its backends; returns when every one of them has exited. */
    public void kill() {
        long pid = postmasterPid();
        ProcessHandle postmaster =
                ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no postmaster " + pid));
        List<ProcessHandle> backends = postmaster.descendants().toList();
        postmaster.destroyForcibly();
        backends.forEach(ProcessHandle::destroyForcibly);
        awaitExit(postmaster);
        backends.forEach(KillablePostgresServer::awaitExit);
        // Lets go of the embedded server's lock on the data directory; its pg_ctl stop finds nothing to stop.
        closeQuietly(postgres);
        postgres = null;
    }

    /** Starts the server again on the same data directory and port (after {@link #kill()}). */
    public void restart() {
        if (postgres != null) {
            throw new IllegalStateException("the server on port " + port + " is still running");
        }
        postgres = launch();
    }

    @Override
    public void close() {
        if (postgres != null) {
            closeQuietly(postgres);
            postgres = null;
        }
    }

    private EmbeddedPostgres launch() {
        try {
            return EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(true)
                    .setPort(port)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "on")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot start PostgreSQL on port " + port + " with data directory " + dataDirectory, e);
        }
    }

    private long postmasterPid() {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        try {
            // postmaster.pid: the first line is the postmaster's PID (PostgreSQL docs, "Database File Layout").
            return Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.US_ASCII)
                    .get(0)
                    .strip());
        } catch (IOException e) {
            throw new UncheckedIOException("no running server: cannot read " + pidFile, e);
        }
    }

    private static void awaitExit(ProcessHandle process) {
        try {
            process.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("process " + process.pid() + " did not exit after SIGKILL", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            // Already dead (killed) or stopping at exit: nothing left to stop.
        }
    }
}
