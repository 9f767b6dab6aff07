package io.gatehouse.store;

/**
 * Whether the gateway speaks TLS to the resource itself (libpq's {@code sslmode} names): {@code disable}
 * (plain TCP, the default: the built-in connector usually runs next to the database), {@code require}
 * (encrypted, the server's certificate not checked) or {@code verify-full} (encrypted, and the certificate
 * must chain to a CA the gateway's JVM trusts and name the target host).
 */
public enum UpstreamTls {
    DISABLE,
    REQUIRE,
    VERIFY_FULL;

    /** The lower-case name used in configuration, the CLI, the API and the database. */
    public String wireName() {
        return WireNames.lowerCase(this);
    }

    /** Parses a {@link #wireName()}; the exception names the bad value and the expected ones. */
    public static UpstreamTls parse(String value) {
        return WireNames.parse("upstream TLS mode", values(), UpstreamTls::wireName, value);
    }
}
