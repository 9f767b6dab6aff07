package io.gatehouse.gateway.testing;

import io.gatehouse.connector.ConnectorMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A connector running as a separate JVM (the test classpath, {@link ConnectorMain}), as it would next to a
 * resource. Its output goes to a file the test can read; the token travels in the environment, never argv.
 */
public final class ConnectorProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ConnectorProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static ConnectorProcess start(Path dir, int tunnelPort, String token, Path ca, Map<String, String> env) {
        return start(dir, "127.0.0.1:" + tunnelPort, token, ca, env);
    }

    public static ConnectorProcess start(Path dir, String gateway, String token, Path ca, Map<String, String> env) {
        try {
            Files.createDirectories(dir);
            Path log = Files.createTempFile(dir, "connector-", ".log");
            // INFO, as `gatehouse connector` logs (the CLI's logback.xml): logback's default would be DEBUG.
            Path logging = dir.resolve("connector-logback.xml");
            Files.writeString(
                    logging,
                    "<configuration><appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                            + "<encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n</pattern></encoder>"
                            + "</appender><root level=\"INFO\"><appender-ref ref=\"OUT\"/></root></configuration>");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-Dgatehouse.tunnel.prefetch=" + Integer.getInteger("gatehouse.tunnel.prefetch", 8),
                    "-Dgatehouse.tunnel.ready-threshold="
                            + Integer.getInteger("gatehouse.tunnel.ready-threshold", 1024 * 1024),
                    "-XX:+UseSerialGC",
                    "-Dlogback.configurationFile=" + logging,
                    "-cp",
                    System.getProperty("java.class.path"),
                    ConnectorMain.class.getName(),
                    "--gateway",
                    gateway,
                    "--ca",
                    ca.toString()));
            // Extra JVM flags for the connector (e.g. a flight recording in a benchmark).
            String extra = System.getProperty("gatehouse.connector.jvmArgs", "").strip();
            if (!extra.isEmpty()) {
                command.addAll(1, List.of(extra.split("\\s+")));
            }
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("GATEHOUSE_CONNECTOR_TOKEN", token);
            builder.environment().putAll(env);
            return new ConnectorProcess(builder.start(), log);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the connector dies without a word to the gateway. */
    public void kill() {
        signal("KILL");
    }

    /** SIGTERM: the connector shuts down in order. */
    public void terminate() {
        signal("TERM");
    }

    /** SIGSTOP: the process freezes; its sockets stay open and the kernel still acknowledges their bytes. */
    public void freeze() {
        send("STOP");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"T".equals(processState()) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        if (!"T".equals(processState())) {
            throw new IllegalStateException("connector " + process.pid() + " did not stop: state " + processState());
        }
    }

    /** The state letter of /proc/PID/stat (R running, S sleeping, T stopped), or "?" when it cannot be read. */
    private String processState() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** SIGCONT after {@link #freeze()}. */
    public void thaw() {
        send("CONT");
    }

    private void send(String signal) {
        try {
            int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .start()
                    .waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void signal(String name) {
        // Process.destroy() from inside surefire did not deliver SIGTERM to the child; kill(1) does.
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the process to exit on its own; its exit code, or -1 if it is still running. */
    public int awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
