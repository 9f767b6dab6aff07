package io.gatehouse.store;

import java.util.List;
import java.util.Optional;

/** Connections, unique by name. */
public interface ConnectionRepository {
    /**
     * Stores a new connection; the store stamps {@code createdAt} and {@code updatedAt}.
     *
     * @throws DuplicateException {@code connection 'NAME' already exists}
     */
    ConnectionRecord create(ConnectionRecord connection);

    Optional<ConnectionRecord> byName(String name);

    /** All connections, by name. */
    List<ConnectionRecord> list();

    /**
     * Replaces every field of the connection named {@code connection.name()} but its creation time;
     * the store stamps {@code updatedAt}.
     *
     * @throws NotFoundException {@code no connection named 'NAME'}
     */
    ConnectionRecord update(ConnectionRecord connection);

    /** Removes the connection and every grant on it; false if there was none. */
    boolean remove(String name);
}
