package io.gatehouse.store;

/** Whether an identity is a person or one AI agent instance (one identity per agent, never shared). */
public enum IdentityKind {
    HUMAN,
    AGENT;

    /** The lower-case name used in configuration, the CLI, the API and the database. */
    public String wireName() {
        return WireNames.lowerCase(this);
    }

    /** Parses a {@link #wireName()}; the exception names the bad value and the expected ones. */
    public static IdentityKind parse(String value) {
        return WireNames.parse("identity kind", values(), IdentityKind::wireName, value);
    }
}
