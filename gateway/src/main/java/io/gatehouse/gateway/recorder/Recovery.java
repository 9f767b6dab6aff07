package io.gatehouse.gateway.recorder;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventCodec;
import io.gatehouse.audit.MalformedRecordException;
import io.gatehouse.audit.merkle.MerkleFrontier;
import io.gatehouse.audit.merkle.MerkleProofs;
import io.gatehouse.audit.merkle.NodeSource;
import io.gatehouse.audit.merkle.Rfc6962;
import io.gatehouse.audit.note.Checkpoint;
import io.gatehouse.audit.note.CheckpointException;
import io.gatehouse.audit.note.NoteVerifier;
import io.gatehouse.store.LogEntry;
import io.gatehouse.store.LogRepository;
import io.gatehouse.store.StoredCheckpoint;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Reopening a log after a stop or a crash (issue "The record", item 5). The tree state is re-derived from
 * the stored perfect subtrees, the latest checkpoint is checked against it (signature, and the root the
 * store yields at that size), and every event after that checkpoint is re-hashed and its position checked.
 * Damage is reported as {@link LogDamagedException} and nothing is "repaired": appending to a damaged log
 * would bury the evidence.
 */
final class Recovery {
    private static final int TAIL_PAGE = 1000;

    private Recovery() {}

    record Opened(MerkleFrontier frontier, long checkpointedSize, long tailChecked) {}

    static Opened open(LogRepository log, String origin, NoteVerifier verifier) {
        log.createIfAbsent(origin);
        MerkleFrontier frontier = frontierFromStore(log, origin);
        long size = frontier.size();
        Optional<StoredCheckpoint> latest = log.latestCheckpoint(origin);
        long covered = 0;
        if (latest.isPresent()) {
            Checkpoint checkpoint;
            try {
                checkpoint = verifier.verify(latest.get().note());
            } catch (CheckpointException e) {
                throw damaged(
                        origin, "its latest checkpoint does not verify with this gateway's key: " + e.getMessage());
            }
            if (checkpoint.size() > size) {
                throw damaged(
                        origin,
                        "the log has " + size + " events but its latest checkpoint covers " + checkpoint.size()
                                + " (truncated)");
            }
            byte[] root = MerkleProofs.root(checkpoint.size(), nodes(log, origin));
            if (!MessageDigest.isEqual(root, checkpoint.rootHash())) {
                throw damaged(
                        origin,
                        "the stored tree's root at size " + checkpoint.size()
                                + " differs from the signed checkpoint's");
            }
            covered = checkpoint.size();
        }
        checkTail(log, origin, covered, size);
        return new Opened(frontier, covered, size - covered);
    }

    static MerkleFrontier frontierFromStore(LogRepository log, String origin) {
        return MerkleFrontier.restore(log.size(origin), nodes(log, origin));
    }

    static NodeSource nodes(LogRepository log, String origin) {
        return new StoredTree(log, origin);
    }

    private static void checkTail(LogRepository log, String origin, long from, long size) {
        long next = from;
        while (next < size) {
            List<LogEntry> page = log.read(origin, next, TAIL_PAGE);
            if (page.isEmpty()) {
                throw damaged(origin, "event " + next + " is missing (the log claims " + size + " events)");
            }
            for (LogEntry entry : page) {
                if (entry.index() != next) {
                    throw damaged(origin, "event " + next + " is missing");
                }
                if (!MessageDigest.isEqual(Rfc6962.leafHash(entry.entry()), entry.leafHash())) {
                    throw damaged(origin, "event " + next + " does not match its leaf hash (edited)");
                }
                Event event;
                try {
                    event = EventCodec.decode(entry.entry());
                } catch (MalformedRecordException e) {
                    throw damaged(origin, "event " + next + " does not decode: " + e.getMessage());
                }
                if (event.seq() != next || !origin.equals(event.log())) {
                    throw damaged(
                            origin,
                            "event " + next + " carries position " + event.seq() + " of log '" + event.log()
                                    + "' (moved or inserted)");
                }
                next++;
            }
        }
    }

    static LogDamagedException damaged(String origin, String what) {
        return new LogDamagedException("audit log '" + origin + "' is damaged: " + what
                + ". Gatehouse will not append to it; run `gatehouse audit verify` for a full report.");
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
