package io.gatehouse.cli;

import java.util.Map;

/** The environment the current command line runs with: {@code System.getenv()}, or a test's own map. */
final class CliEnvironment {
    private static volatile Map<String, String> env = System.getenv();

    private CliEnvironment() {}

    static void set(Map<String, String> environment) {
        env = Map.copyOf(environment);
    }

    static Map<String, String> get() {
        return env;
    }

    static String get(String name) {
        return env.get(name);
    }
}
