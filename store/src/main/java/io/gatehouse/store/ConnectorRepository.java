package io.gatehouse.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Registered connectors, unique by name and by token. */
public interface ConnectorRepository {
    /**
     * Registers a connector; the store stamps {@code createdAt} and ignores the {@code last*} fields.
     *
     * @throws DuplicateException {@code connector 'NAME' already exists}
     */
    ConnectorRecord create(ConnectorRecord connector);

    Optional<ConnectorRecord> byName(String name);

    Optional<ConnectorRecord> byTokenSha256(byte[] sha256);

    /** All connectors, by name. */
    List<ConnectorRecord> list();

    /** Records that a gateway heard from the connector; false if there is no such connector. */
    boolean seen(String name, Instant at, String address, String version);

    /** Removes the connector (its token stops working); false if there was none. */
    boolean remove(String name);
}
