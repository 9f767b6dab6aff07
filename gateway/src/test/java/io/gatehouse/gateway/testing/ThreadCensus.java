package io.gatehouse.gateway.testing;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The platform threads of this JVM that the gateway could leak, counted so that a test can take a baseline
 * and check the count returns to it once sessions ended. Left out: the JDK's own elastic pools (the common
 * ForkJoinPool and the virtual-thread carriers, both bounded by the JDK and retiring idle workers on their own
 * schedule) and threads of test helpers: StallingProxy's pumps, the test's HTTP client, the output readers
 * of an embedded PostgreSQL started by the test (the connector process is another JVM anyway).
 */
public final class ThreadCensus {
    private static final Pattern NOT_COUNTED = Pattern.compile(
            "ForkJoinPool.*|process reaper.*|stalling-proxy.*|awaitility.*|Attach Listener|HttpClient-.*|postgres:pid.*");

    private ThreadCensus() {}

    public static List<String> names() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> !t.isVirtual())
                .map(Thread::getName)
                .filter(name -> !NOT_COUNTED.matcher(name).matches())
                .sorted()
                .toList();
    }

    public static int count() {
        return names().size();
    }
}
