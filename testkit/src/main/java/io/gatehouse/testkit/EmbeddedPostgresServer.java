package io.gatehouse.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM, started on first use on a free loopback port and stopped
 * when the JVM exits.
 *
 * <p>Sharing one server keeps the suite fast (a start costs about 1.5 s); isolation comes from
 * {@link #createDatabase()}, which hands every caller its own empty database, so no two test classes
 * (or methods) ever see each other's rows.
 */
public final class EmbeddedPostgresServer {
    private static final String SUPERUSER = "postgres";

    private volatile EmbeddedPostgres postgres;
    private final AtomicInteger databaseCounter = new AtomicInteger();
    /** Set for a server of {@link #startRestartable}: its data directory, kept across restarts. */
    private final Path dataDirectory;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this(postgres, null);
    }

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    /**
     * A separate server whose data directory survives {@link #restart()}: the same port, databases and
     * rows come back, as after a real restart of a resource. Stopped at JVM exit.
     */
    public static EmbeddedPostgresServer startRestartable() {
        try {
            Path data = Files.createTempDirectory("gatehouse-pg-restartable-");
            EmbeddedPostgres postgres = restartableBuilder(data, 0).start();
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(postgres, data);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(() -> closeQuietly(server.postgres), "embedded-postgres-stop"));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a restartable embedded PostgreSQL server", e);
        }
    }

    /**
     * Stops the server with PostgreSQL's fast shutdown (every backend gets FATAL 57P01 and its connection
     * closes) and starts it again on the same port and data directory.
     */
    public void restart() {
        if (dataDirectory == null) {
            throw new IllegalStateException("only a server of startRestartable() can restart");
        }
        int port = port();
        try {
            postgres.close();
            postgres = restartableBuilder(dataDirectory, port).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart the embedded PostgreSQL server on port " + port, e);
        }
    }

    private static EmbeddedPostgres.Builder restartableBuilder(Path data, int port) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "off")
                .setServerConfig("max_connections", "300");
        return port == 0 ? builder : builder.setPort(port);
    }

    /** The server of this JVM, started on the first call. */
    public static EmbeddedPostgresServer shared() {
        return Holder.INSTANCE;
    }

    /** Creates a fresh, empty database with a unique name and returns its JDBC URL. */
    public String createDatabase() {
        return createPostgresDatabase().jdbcUrl();
    }

    /** Creates a fresh, empty database with a unique name; the record carries URL and credentials. */
    public PostgresDatabase createPostgresDatabase() {
        String name = "gatehouse_test_" + ProcessHandle.current().pid() + "_" + databaseCounter.incrementAndGet();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            // The name is built from digits and a fixed prefix above, so no quoting issue can arise.
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database '" + name + "' on port " + port(), e);
        }
        return new PostgresDatabase(postgres.getJdbcUrl(SUPERUSER, name), SUPERUSER, "", name);
    }

    /** The loopback port the server listens on. */
    public int port() {
        return postgres.getPort();
    }

    /**
     * A separate server with durability as in production ({@code fsync} and {@code synchronous_commit}
     * on), for benchmarks whose figures must include the cost of making writes durable. Stopped at JVM
     * exit like the shared one.
     */
    public static EmbeddedPostgresServer startDurable() {
        return start(true);
    }

    /**
     * A separate server that requires a password from every role but the superuser, one authentication
     * method per role (PostgreSQL docs, "The pg_hba.conf File"): {@link PasswordRoles#SCRAM} logs in with
     * scram-sha-256, {@link PasswordRoles#MD5} with md5 (its password is stored as an MD5 hash, else the
     * server would silently upgrade the exchange to SCRAM), {@link PasswordRoles#CLEARTEXT} with password.
     * The superuser keeps trust on loopback so that tests can set up databases. Stopped at JVM exit.
     */
    public static EmbeddedPostgresServer startWithPasswordAuth() {
        Path hba;
        try {
            hba = Files.createTempFile("gatehouse-pg-hba-", ".conf");
            hba.toFile().deleteOnExit();
            Files.writeString(
                    hba,
                    String.join(
                            "\n",
                            "# written by EmbeddedPostgresServer.startWithPasswordAuth",
                            "local all " + SUPERUSER + " trust",
                            "host all " + SUPERUSER + " 127.0.0.1/32 trust",
                            "host all " + SUPERUSER + " ::1/128 trust",
                            "host all " + PasswordRoles.SCRAM + " 127.0.0.1/32 scram-sha-256",
                            "host all " + PasswordRoles.MD5 + " 127.0.0.1/32 md5",
                            "host all " + PasswordRoles.CLEARTEXT + " 127.0.0.1/32 password",
                            ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a pg_hba.conf for the password-auth server", e);
        }
        EmbeddedPostgresServer server = start(false, hba);
        server.createRole(PasswordRoles.SCRAM, "scram-sha-256");
        server.createRole(PasswordRoles.MD5, "md5");
        server.createRole(PasswordRoles.CLEARTEXT, "scram-sha-256");
        return server;
    }

    /** The roles of {@link #startWithPasswordAuth()}; each one's password is {@link #PASSWORD}. */
    public static final class PasswordRoles {
        public static final String SCRAM = "gh_scram_role";
        public static final String MD5 = "gh_md5_role";
        public static final String CLEARTEXT = "gh_cleartext_role";
        /** Distinct from every role name, so a test can assert it never appears in events or errors. */
        public static final String PASSWORD = "S3cret-upstream-pw";

        private PasswordRoles() {}
    }

    private void createRole(String role, String encryption) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            // Constants only (role names and password above): no quoting issue can arise.
            statement.execute("SET password_encryption = '" + encryption + "'");
            statement.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + PasswordRoles.PASSWORD + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create role '" + role + "' on port " + port(), e);
        }
    }

    private static EmbeddedPostgresServer start() {
        return start(false);
    }

    /**
     * A separate server that also accepts TLS (SSLRequest answered 'S') with the given PEM certificate and
     * key (PostgreSQL docs, "Secure TCP/IP Connections with SSL"); plain connections still work.
     */
    public static EmbeddedPostgresServer startWithTls(Path certificatePem, Path keyPem) {
        return start(
                false,
                java.util.Map.of(
                        "ssl", "on", "ssl_cert_file", certificatePem.toString(), "ssl_key_file", keyPem.toString()));
    }

    private static EmbeddedPostgresServer start(boolean durable) {
        return start(durable, java.util.Map.of());
    }

    private static EmbeddedPostgresServer start(boolean durable, Path hbaFile) {
        return start(durable, java.util.Map.of("hba_file", hbaFile.toString()));
    }

    private static EmbeddedPostgresServer start(boolean durable, java.util.Map<String, String> extra) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            extra.forEach(builder::setServerConfig);
            EmbeddedPostgres postgres = builder.setServerConfig("listen_addresses", "127.0.0.1")
                    // Tests run many small transactions; fsync would only measure the disk.
                    .setServerConfig("fsync", durable ? "on" : "off")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "300")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(postgres), "embedded-postgres-stop"));
            return new EmbeddedPostgresServer(postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
        }
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            // The JVM is exiting; the data directory is temporary and the process dies with us.
        }
    }

    /** Lazy, thread-safe start on first use (initialization-on-demand holder). */
    private static final class Holder {
        static final EmbeddedPostgresServer INSTANCE = start();
    }
}
