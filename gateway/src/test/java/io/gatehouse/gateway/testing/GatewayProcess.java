package io.gatehouse.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.gateway.security.ClientTls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code gatehouse gateway} as a separate JVM, started by a launcher command ({@code java -jar gatehouse.jar},
 * or {@code java -cp ... io.gatehouse.cli.Main} from a test classpath), on free loopback ports. For tests
 * and benchmarks that must kill the gateway (SIGKILL: nothing in the JVM gets a chance to run) or change
 * what the kernel lets it do (its file-size limit), which an in-process gateway cannot stand.
 *
 * <p>Its stderr (the gateway's log, which never holds a secret) is kept for error messages; its stdout,
 * where the first start prints the initial admin token, is read and dropped.
 */
public final class GatewayProcess implements AutoCloseable {
    private static final Pattern API = Pattern.compile("API listening on https://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern PG = Pattern.compile("PostgreSQL listening on 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final Path data;
    private final List<String> log;
    private final int apiPort;
    private final int pgPort;
    private final HttpClient http;

    private GatewayProcess(Process process, Path data, List<String> log, int apiPort, int pgPort) {
        this.process = process;
        this.data = data;
        this.log = log;
        this.apiPort = apiPort;
        this.pgPort = pgPort;
        this.http = HttpClient.newBuilder()
                .sslContext(ClientTls.trusting(data.resolve("tls").resolve("ca.crt")))
                .build();
    }

    /**
     * Starts {@code launcher gateway --data DATA} with every port chosen by the kernel, {@code env} added to
     * the environment (GATEHOUSE_* settings), and returns once the last listener (PostgreSQL) is up.
     */
    public static GatewayProcess start(List<String> launcher, Path data, Map<String, String> env) {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(
                "gateway", "--data", data.toString(), "--api-port", "0", "--pg-port", "0", "--tunnel-port", "0"));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the gateway with " + launcher, e);
        }
        List<String> log = new CopyOnWriteArrayList<>();
        drain(process, false, log);
        drain(process, true, null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Integer api = null;
        Integer pg = null;
        while (pg == null || api == null) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the gateway did not start (exit "
                        + (process.isAlive() ? "none" : process.exitValue()) + "):\n" + String.join("\n", log));
            }
            for (String line : log) {
                api = api != null ? api : port(API, line);
                pg = pg != null ? pg : port(PG, line);
            }
            sleep(50);
        }
        return new GatewayProcess(process, data, log, api, pg);
    }

    /** The launcher that runs the CLI from this JVM's own classpath (tests: {@code io.gatehouse.cli.Main}). */
    public static List<String> classpathLauncher(String mainClass) {
        return List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass);
    }

    public long pid() {
        return process.pid();
    }

    public int apiPort() {
        return apiPort;
    }

    public int pgPort() {
        return pgPort;
    }

    public Path data() {
        return data;
    }

    /** The token the first start saved to DATA/initial-admin-token. */
    public String initialAdminToken() {
        try {
            return Files.readString(data.resolve("initial-admin-token")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("no initial admin token in " + data, e);
        }
    }

    /** The gateway's log (stderr) so far. */
    public String log() {
        return String.join("\n", log);
    }

    /** SIGKILL: the JVM gets no chance to flush, checkpoint or close anything. Returns once it is gone. */
    public void kill() {
        process.destroyForcibly(); // SIGKILL on Linux
        awaitExit();
    }

    /** SIGTERM, as a service manager stops it (a clean shutdown with a final checkpoint). */
    public int stop() {
        try {
            new ProcessBuilder("kill", "-TERM", Long.toString(process.pid()))
                    .inheritIO()
                    .start()
                    .waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        awaitExit();
        return process.exitValue();
    }

    /** An API call; {@code body} null for GET, else JSON for POST. */
    public Api.Response call(String path, String token, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + apiPort + path));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            if (body != null) {
                b.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(TestGateway.JSON.writeValueAsBytes(body)));
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = r.headers().firstValue("content-type").orElse("").contains("json")
                    ? TestGateway.JSON.readTree(r.body())
                    : null;
            return new Api.Response(r.statusCode(), json, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("API call " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Answers of {@link #call}. */
    public static final class Api {
        private Api() {}

        public record Response(int status, JsonNode body, String text) {
            /** The body when the status is {@code expected}; else an exception naming both. */
            public JsonNode expect(int expected) {
                if (status != expected) {
                    throw new IllegalStateException("HTTP " + status + " (expected " + expected + "): " + text);
                }
                return body;
            }
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the gateway (pid " + process.pid() + ") did not exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Integer port(Pattern pattern, String line) {
        Matcher m = pattern.matcher(line);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    /** Reads one of the process's streams to its end; lines go to {@code into}, or nowhere when it is null. */
    private static void drain(Process process, boolean stdout, List<String> into) {
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(
                    stdout ? process.getInputStream() : process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (into != null) {
                        into.add(line);
                    }
                }
            } catch (IOException closed) {
                // the process ended (or was killed); what was read is what counts
            }
        });
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
