package io.gatehouse.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A named resource behind the gateway.
 *
 * @param target host:port (or URL) as seen by its connector
 * @param connector the connector that reaches it, or null for the gateway's built-in connector
 * @param username upstream user, or null
 * @param database upstream database, or null
 * @param upstreamTls whether the gateway speaks TLS to the resource
 * @param createdAt assigned by the store; null in records passed to {@code create}/{@code update}
 *     is fine
 * @param updatedAt assigned by the store, as {@code createdAt}
 */
public record ConnectionRecord(
        String name,
        ConnectionType type,
        String target,
        String connector,
        String username,
        String database,
        Credential credential,
        RecordingContent content,
        Durability durability,
        UpstreamTls upstreamTls,
        Instant createdAt,
        Instant updatedAt) {
    public ConnectionRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(upstreamTls, "upstreamTls");
    }

    /** A connection without TLS to the resource (the default). */
    public ConnectionRecord(
            String name,
            ConnectionType type,
            String target,
            String connector,
            String username,
            String database,
            Credential credential,
            RecordingContent content,
            Durability durability,
            Instant createdAt,
            Instant updatedAt) {
        this(
                name,
                type,
                target,
                connector,
                username,
                database,
                credential,
                content,
                durability,
                UpstreamTls.DISABLE,
                createdAt,
                updatedAt);
    }
}
