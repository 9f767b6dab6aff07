package io.gatehouse.gateway.admin;

/**
 * A connection as an admin asks for it. {@code password} is a plaintext credential to be encrypted at rest
 * (never stored or echoed as given); {@code secretReference} names one the connector resolves instead.
 */
public record ConnectionSpec(
        String name,
        String type,
        String target,
        String connector,
        String username,
        String database,
        String password,
        String secretReference,
        String recording,
        String durability,
        String upstreamTls) {

    /** A connection without TLS to the resource (the default). */
    public ConnectionSpec(
            String name,
            String type,
            String target,
            String connector,
            String username,
            String database,
            String password,
            String secretReference,
            String recording,
            String durability) {
        this(name, type, target, connector, username, database, password, secretReference, recording, durability, null);
    }

    @Override
    public String toString() {
        return "ConnectionSpec[name=" + name + ", type=" + type + ", target=" + target + ", password="
                + (password == null ? "none" : "<redacted>") + "]";
    }
}
