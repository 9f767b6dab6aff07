package io.gatehouse.store;

/** Whether a command waits for its record to be durable (fail-closed) or not (best-effort). */
public enum Durability {
    FAIL_CLOSED,
    BEST_EFFORT;

    /** The lower-case name used in configuration, the CLI, the API and the database. */
    public String wireName() {
        return WireNames.lowerCase(this);
    }

    /** Parses a {@link #wireName()}; the exception names the bad value and the expected ones. */
    public static Durability parse(String value) {
        return WireNames.parse("durability", values(), Durability::wireName, value);
    }
}
