package io.gatehouse.bench;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * pgbouncer in session mode on a loopback port, in front of one database: {@link PgBench}'s plain-proxy reference.
 * Its configuration lives in a temporary directory of its own, deleted with the process on {@link #close}.
 */
final class Pgbouncer implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int port;

    private Pgbouncer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Starts pgbouncer on {@code port} for {@code database} of the PostgreSQL at {@code pgPort}, once it listens. */
    static Pgbouncer start(int pgPort, int port, String database) throws IOException, InterruptedException {
        // pgbouncer refuses to run as root: as root it runs as the postgres user, which must read its files
        Path dir = Files.createTempDirectory(
                "gatehouse-pgbouncer",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try {
            Process process = launch(dir, pgPort, port, database);
            return new Pgbouncer(process, dir, port);
        } catch (IOException | RuntimeException | InterruptedException e) {
            PgBench.deleteRecursively(dir);
            throw e;
        }
    }

    private static Process launch(Path dir, int pgPort, int port, String database)
            throws IOException, InterruptedException {
        Path users = dir.resolve("userlist.txt");
        Files.writeString(users, "\"postgres\" \"\"\n");
        Path ini = dir.resolve("pgbouncer.ini");
        Files.writeString(
                ini,
                String.join(
                        "\n",
                        "[databases]",
                        database + " = host=127.0.0.1 port=" + pgPort + " dbname=" + database + " user=postgres",
                        "[pgbouncer]",
                        "listen_addr = 127.0.0.1",
                        "listen_port = " + port,
                        "unix_socket_dir =",
                        "auth_type = trust",
                        "auth_file = " + users,
                        "pool_mode = session",
                        "max_client_conn = 200",
                        "default_pool_size = 64",
                        "ignore_startup_parameters = extra_float_digits",
                        ""));
        for (Path p : List.of(users, ini)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }
        List<String> cmd = new ArrayList<>(List.of("pgbouncer", "-q"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("-u", "postgres"));
        }
        cmd.add(ini.toString());
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("pgbouncer.out").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("pgbouncer exited: " + Files.readString(dir.resolve("pgbouncer.out")));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return p;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        p.destroy();
        throw new IllegalStateException("pgbouncer did not listen on port " + port);
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
        PgBench.deleteRecursively(dir);
    }
}
