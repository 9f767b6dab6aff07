package io.gatehouse.gateway.auth;

import io.gatehouse.store.Identity;
import io.gatehouse.store.Role;

/** Who is calling: the authenticated identity and the token it used (by id; never the secret). */
public record Principal(Identity identity, String tokenId) {
    public String name() {
        return identity.name();
    }

    public Role role() {
        return identity.role();
    }

    public boolean isAdmin() {
        return identity.role() == Role.ADMIN;
    }

    /** Admins and auditors read everything; users only what is theirs. */
    public boolean readsEverything() {
        return identity.role() == Role.ADMIN || identity.role() == Role.AUDITOR;
    }
}
