package io.gatehouse.store;

import java.time.Instant;
import java.util.Objects;

/** Permission of an identity to use a connection. */
public record Grant(String identity, String connection, Instant createdAt) {
    public Grant {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
