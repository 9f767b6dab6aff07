package io.gatehouse.store;

/** What an identity may do at the gateway beyond using the connections it is granted. */
public enum Role {
    ADMIN,
    AUDITOR,
    USER;

    /** The lower-case name used in configuration, the CLI, the API and the database. */
    public String wireName() {
        return WireNames.lowerCase(this);
    }

    /** Parses a {@link #wireName()}; the exception names the bad value and the expected ones. */
    public static Role parse(String value) {
        return WireNames.parse("role", values(), Role::wireName, value);
    }
}
