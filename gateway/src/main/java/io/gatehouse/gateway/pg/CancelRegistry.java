package io.gatehouse.gateway.pg;

import io.gatehouse.wire.pg.BackendKeyData;
import io.gatehouse.wire.pg.Bytes;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's own BackendKeyData per session, and what it stands for upstream ("Canceling Requests in
 * Progress" in the protocol chapter). A client never sees the upstream process id or key; a CancelRequest
 * must present the gateway's key, compared in constant time, before the gateway forwards the upstream one.
 */
final class CancelRegistry {
    /** Where a cancel for one session goes. */
    record Target(SessionContext session, BackendKeyData upstreamKey) {}

    private record Entry(Bytes key, Target target) {}

    private static final SecureRandom RANDOM = new SecureRandom();
    private final ConcurrentHashMap<Integer, Entry> sessions = new ConcurrentHashMap<>();

    /** Issues a fresh gateway key for {@code target}. */
    BackendKeyData register(Target target) {
        byte[] key = new byte[4];
        RANDOM.nextBytes(key);
        Bytes secret = Bytes.of(key);
        while (true) {
            int processId = RANDOM.nextInt(1, Integer.MAX_VALUE);
            if (sessions.putIfAbsent(processId, new Entry(secret, target)) == null) {
                return new BackendKeyData(processId, secret);
            }
        }
    }

    void unregister(int processId) {
        sessions.remove(processId);
    }

    Optional<Target> find(int processId, Bytes key) {
        Entry entry = sessions.get(processId);
        if (entry == null || !MessageDigest.isEqual(entry.key().toByteArray(), key.toByteArray())) {
            return Optional.empty();
        }
        return Optional.of(entry.target());
    }
}
