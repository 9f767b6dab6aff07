package io.gatehouse.bench;

import io.gatehouse.gateway.testing.MixedWorkload;
import java.time.Duration;
import java.util.Locale;

/**
 * The soak's clients, in their own JVM (started by {@link SoakBench}) so that their memory is not counted in
 * the gateway's RSS: {@link MixedWorkload} over N sessions on one connection.
 *
 * <p>Usage: {@code SoakClients URL USER FIRST_SESSION SESSIONS SECONDS THINK_MS}, password in {@code
 * PGPASSWORD}. Prints one line {@code done STATEMENTS COMMITTED EXPECTED_ERRORS UNEXPECTED}, then each
 * unexpected error on a line of its own.
 */
public final class SoakClients {
    private SoakClients() {}

    public static void main(String[] args) throws Exception {
        MixedWorkload.Result r = MixedWorkload.run(
                args[0],
                args[1],
                System.getenv("PGPASSWORD"),
                Integer.parseInt(args[2]),
                Integer.parseInt(args[3]),
                Duration.ofSeconds(Long.parseLong(args[4])),
                Duration.ofMillis(Long.parseLong(args[5])));
        System.out.printf(
                Locale.ROOT,
                "done %d %d %d %d%n",
                r.statements(),
                r.committedRows(),
                r.expectedErrors(),
                r.unexpected().size());
        r.unexpected().stream().limit(50).forEach(System.out::println);
        System.out.flush();
    }
}
