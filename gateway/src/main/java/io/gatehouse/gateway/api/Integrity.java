package io.gatehouse.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.audit.note.Checkpoint;
import io.gatehouse.audit.note.CheckpointException;
import io.gatehouse.audit.note.NoteVerifier;
import io.gatehouse.store.LogRepository;
import io.gatehouse.store.StoredCheckpoint;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Whether an event is covered by the log's latest signed checkpoint whose signature this gateway's key
 * verifies. Each checkpoint note is verified once and the outcome cached per origin, so a request costs
 * one indexed read of the latest checkpoint.
 */
final class Integrity {
    /** The latest verified checkpoint of a log; it covers the events with index < size. */
    record Covered(long size, Instant at) {
        boolean covers(long index) {
            return index < size;
        }
    }

    private record Verified(String note, Optional<Covered> covered) {}

    private final LogRepository log;
    private final NoteVerifier verifier;
    private final ConcurrentHashMap<String, Verified> cache = new ConcurrentHashMap<>();

    Integrity(LogRepository log, NoteVerifier verifier) {
        this.log = log;
        this.verifier = verifier;
    }

    /**
     * {@link #latest} remembered per origin for the duration of one request, so that a page of 50 sessions
     * or commands costs one read of the latest checkpoint, not 50.
     */
    Function<String, Optional<Covered>> forOneRequest() {
        Map<String, Optional<Covered>> seen = new HashMap<>();
        return origin -> seen.computeIfAbsent(origin, this::latest);
    }

    Optional<Covered> latest(String origin) {
        Optional<StoredCheckpoint> stored = log.latestCheckpoint(origin);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        StoredCheckpoint cp = stored.get();
        Verified cached = cache.get(origin);
        if (cached != null && cached.note().equals(cp.note())) {
            return cached.covered();
        }
        Optional<Covered> covered = verify(origin, cp);
        cache.put(origin, new Verified(cp.note(), covered));
        return covered;
    }

    private Optional<Covered> verify(String origin, StoredCheckpoint stored) {
        try {
            Checkpoint checkpoint = verifier.verify(stored.note());
            if (!checkpoint.origin().equals(origin) || checkpoint.size() != stored.size()) {
                return Optional.empty();
            }
            return Optional.of(new Covered(checkpoint.size(), stored.createdAt()));
        } catch (CheckpointException e) {
            return Optional.empty();
        }
    }

    /** {@code {"status": "verified"|"pending", "checkpointSize", "checkpointAt"}} for one event. */
    static ObjectNode event(Optional<Covered> covered, long index) {
        ObjectNode n = Json.object();
        boolean yes = covered.isPresent() && covered.get().covers(index);
        n.put("status", yes ? "verified" : "pending");
        if (yes) {
            n.put("checkpointSize", covered.get().size());
            n.put("checkpointAt", covered.get().at().toString());
        }
        return n;
    }

    /** As {@link #event}, for a session: verified when its latest event is covered, partial if only some are. */
    static ObjectNode session(Optional<Covered> covered, long firstIndex, long lastIndex) {
        ObjectNode n = event(covered, lastIndex);
        if (covered.isPresent()
                && !covered.get().covers(lastIndex)
                && covered.get().covers(firstIndex)) {
            n.put("status", "partial");
            n.put("checkpointSize", covered.get().size());
            n.put("checkpointAt", covered.get().at().toString());
        }
        return n;
    }
}
