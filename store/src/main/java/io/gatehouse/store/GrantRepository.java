package io.gatehouse.store;

import java.util.List;

/** Grants of connections to identities, both by name. */
public interface GrantRepository {
    /**
     * @throws NotFoundException {@code no identity named 'X'} or {@code no connection named 'Y'}
     * @throws DuplicateException if the identity already holds the grant
     */
    Grant add(String identity, String connection);

    /** False if there was no such grant. */
    boolean remove(String identity, String connection);

    /** All grants, by identity then connection. */
    List<Grant> list();

    /** The identity's grants by connection name; empty for an unknown identity. */
    List<Grant> forIdentity(String identity);

    boolean exists(String identity, String connection);
}
