package io.gatehouse.gateway.security;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Tells live sessions that access they were granted at login has been withdrawn: a token revoked or an
 * identity disabled through this gateway's admin API. Listeners are called on the admin request's thread,
 * after the change is in the store, and must only hand the news to their own threads.
 *
 * <p>Scope: changes made through this gateway instance. A change made through another instance sharing
 * the store reaches this instance's sessions at their next login, not mid-session.
 */
public final class AccessRevocations {
    /** What a session protocol does when access is withdrawn. */
    public interface Listener {
        /** {@code prefix} is the token's public prefix, safe to show; never the token. */
        void tokenRevoked(String tokenId, String prefix);

        void identityDisabled(String identityName);
    }

    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

    public void subscribe(Listener listener) {
        listeners.add(listener);
    }

    public void unsubscribe(Listener listener) {
        listeners.remove(listener);
    }

    public void tokenRevoked(String tokenId, String prefix) {
        listeners.forEach(listener -> listener.tokenRevoked(tokenId, prefix));
    }

    public void identityDisabled(String identityName) {
        listeners.forEach(listener -> listener.identityDisabled(identityName));
    }
}
