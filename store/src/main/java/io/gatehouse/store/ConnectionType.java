package io.gatehouse.store;

/** The protocol a connection speaks to its resource. */
public enum ConnectionType {
    POSTGRES,
    MYSQL,
    SSH,
    HTTP,
    SHELL;

    /** The lower-case name used in configuration, the CLI, the API and the database. */
    public String wireName() {
        return WireNames.lowerCase(this);
    }

    /** Parses a {@link #wireName()}; the exception names the bad value and the expected ones. */
    public static ConnectionType parse(String value) {
        return WireNames.parse("connection type", values(), ConnectionType::wireName, value);
    }
}
