package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.store.Store;
import io.gatehouse.store.StoreSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatehouse gateway} as an operator runs it: a separate process, first start, SIGTERM. */
class GatewayProcessTest {
    private static final Pattern LISTENING = Pattern.compile("API listening on https://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path data;

    @TempDir
    Path home;

    @Test
    void firstStartPrintsTheTokenOnceLogsNoSecretAndSigtermShutsDownCleanly() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process gateway = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "gateway",
                        "--data",
                        data.toString(),
                        "--api-port",
                        "0",
                        "--pg-port",
                        "0",
                        "--tunnel-port",
                        "0")
                .start();
        List<String> out = new CopyOnWriteArrayList<>();
        List<String> err = new CopyOnWriteArrayList<>();
        Thread o = pump(gateway, true, out);
        Thread e = pump(gateway, false, err);
        int port = awaitPort(err);

        String token = Files.readString(data.resolve("initial-admin-token")).strip();
        Map<String, String> env = Map.of(
                "XDG_CONFIG_HOME",
                home.toString(),
                "GATEHOUSE_URL",
                "https://127.0.0.1:" + port,
                "GATEHOUSE_CA",
                data.resolve("tls/ca.crt").toString(),
                "GATEHOUSE_TOKEN",
                token);
        CliRun created = CliRun.of(env, "identities", "create", "devin", "--kind", "agent");
        assertThat(created.exitCode()).as(created.err()).isZero();
        CliRun minted = CliRun.of(env, "tokens", "create", "devin");
        String devinToken = minted.out().strip();

        // SIGTERM, as from a service manager (sent with kill(1): a JVM's Process.destroy() from inside surefire
        // did not reach the child's signal handler here)
        new ProcessBuilder("kill", "-TERM", Long.toString(gateway.pid()))
                .inheritIO()
                .start()
                .waitFor();
        assertThat(gateway.waitFor(30, TimeUnit.SECONDS))
                .as("gateway exited after SIGTERM")
                .isTrue();
        o.join(5000);
        e.join(5000);

        assertThat(gateway.exitValue()).as(String.join("\n", err)).isIn(0, 143);
        assertThat(out.stream().filter(l -> l.contains(token)).count())
                .as("token printed once")
                .isEqualTo(1);
        String logs = String.join("\n", err);
        assertThat(logs).doesNotContain(token).doesNotContain(devinToken);
        assertThat(logs.lines().filter(l -> l.contains("listening on")))
                .as("one line per listener")
                .hasSize(3)
                .anyMatch(l -> l.contains("API listening on https://127.0.0.1:"))
                .anyMatch(l -> l.contains("connector tunnel listening on 127.0.0.1:"))
                .anyMatch(l -> l.contains("PostgreSQL listening on 127.0.0.1:"));
        assertThat(logs.lines())
                .as("every log line in one format")
                .allMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"));
        assertThat(logs).contains("shutting down").contains("stopped; audit log at");

        try (Store store = Store.open(StoreSettings.sqlite(data.resolve("gatehouse.db")))) {
            String origin = store.log().origins().get(0);
            long size = store.log().size(origin);
            assertThat(size).isEqualTo(4); // admin, its token, devin, devin's token
            assertThat(store.log().latestCheckpoint(origin))
                    .get()
                    .as("the final checkpoint covers everything")
                    .extracting(c -> c.size())
                    .isEqualTo(size);
        }
        CliRun verify = CliRun.of(Map.of(), "audit", "verify", "--data", data.toString());
        assertThat(verify.exitCode()).as(verify.out()).isZero();
    }

    /** The API's port, once the gateway has started every listener (the PostgreSQL one is the last). */
    private static int awaitPort(List<String> err) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (err.stream().noneMatch(l -> l.contains("PostgreSQL listening on"))) {
                Thread.sleep(100);
                continue;
            }
            for (String line : err) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the gateway did not report its listener:\n" + String.join("\n", err));
    }

    private static Thread pump(Process process, boolean stdout, List<String> into) {
        return Thread.ofPlatform().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(
                    stdout ? process.getInputStream() : process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    into.add(line);
                }
            } catch (IOException closed) {
                // the process ended; what was read is what counts
            }
        });
    }
}
