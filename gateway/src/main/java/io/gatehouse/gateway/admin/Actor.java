package io.gatehouse.gateway.admin;

import io.gatehouse.gateway.auth.Principal;

/** Who performs an admin action and from where; {@code tokenId} is null for the gateway itself. */
public record Actor(String name, String tokenId, String client, boolean admin, boolean readsEverything) {
    public static Actor of(Principal principal, String client) {
        return new Actor(
                principal.name(), principal.tokenId(), client, principal.isAdmin(), principal.readsEverything());
    }

    /** The gateway acting on its own behalf (first start). */
    public static Actor gateway() {
        return new Actor("gatehouse", null, "local", true, true);
    }
}
