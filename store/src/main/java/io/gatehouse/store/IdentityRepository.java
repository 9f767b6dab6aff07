package io.gatehouse.store;

import java.util.List;
import java.util.Optional;

/** Identities, unique by name. Identities are disabled, never deleted, so the record keeps its subjects. */
public interface IdentityRepository {
    /**
     * @throws DuplicateException {@code identity 'NAME' already exists}
     */
    Identity create(String name, IdentityKind kind, Role role, byte[] scramSalt);

    Optional<Identity> byName(String name);

    Optional<Identity> byId(long id);

    /** All identities, by name. */
    List<Identity> list();

    /**
     * @throws NotFoundException {@code no identity named 'NAME'}
     */
    Identity setDisabled(String name, boolean disabled);

    long count();
}
