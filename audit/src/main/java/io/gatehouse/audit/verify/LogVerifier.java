package io.gatehouse.audit.verify;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventCodec;
import io.gatehouse.audit.MalformedRecordException;
import io.gatehouse.audit.merkle.MerkleFrontier;
import io.gatehouse.audit.merkle.Rfc6962;
import io.gatehouse.audit.note.Checkpoint;
import io.gatehouse.audit.note.CheckpointException;
import io.gatehouse.audit.note.NoteVerifier;
import io.gatehouse.audit.verify.Damage.AtCheckpoint;
import io.gatehouse.audit.verify.Damage.AtEntry;
import io.gatehouse.audit.verify.Damage.Kind;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Verifies a whole log, streaming: the caller feeds entries in index order with {@link #accept}, then calls
 * {@link #finish}. Memory is the checkpoints plus a {@link MerkleFrontier} (O(log n) hashes), whatever the log size.
 *
 * <p>Order of checks, which defines which problem is "first":
 *
 * <ol>
 *   <li>At construction, the checkpoints alone: each note must carry a valid signature by the trusted key, name this
 *       log's origin, and follow the previous one (size non-decreasing; equal size ⇒ equal root).
 *   <li>Per entry, in order: the caller's index is the next position; the bytes decode as a canonical event; the
 *       recomputed leaf hash equals the stored one (content edits); the event's own {@code seq} equals its position
 *       (deletion, insertion, reordering) and its {@code log} equals the origin (events moved from another log).
 *   <li>When the entries reach a checkpoint's size, the root recomputed from the stored (and re-checked) leaf hashes
 *       must equal the signed root. This catches an attacker who edited events and recomputed their hashes: the
 *       change lies after the previous matching checkpoint.
 *   <li>At the end, no checkpoint may be larger than the log (tail truncation).
 * </ol>
 *
 * After the first damage, further entries are ignored; {@link #damaged()} lets the caller stop reading.
 */
public final class LogVerifier {
    private final String origin;
    private final List<Checkpoint> checkpoints = new ArrayList<>();
    private final MerkleFrontier frontier = MerkleFrontier.empty();
    private int nextCheckpoint;
    private long lastMatchedSize;
    private Damage damage;

    /**
     * @param origin the log's origin; every event's {@code log} and every checkpoint's origin must equal it
     * @param checkpointNotes the stored checkpoint notes, oldest first
     */
    public LogVerifier(String origin, List<String> checkpointNotes, NoteVerifier verifier) {
        this.origin = Objects.requireNonNull(origin, "origin");
        for (int k = 0; k < checkpointNotes.size() && damage == null; k++) {
            addCheckpoint(k, checkpointNotes.get(k), verifier);
        }
        // Checkpoints of size 0 are due before any entry.
        checkDueCheckpoints();
    }

    private void addCheckpoint(int k, String note, NoteVerifier verifier) {
        Checkpoint checkpoint;
        try {
            checkpoint = verifier.verify(note);
        } catch (CheckpointException e) {
            Kind kind = Kind.forCheckpoint(e.reason());
            damage = new Damage(kind, new AtCheckpoint(k, sizeLine(note)), "checkpoint #" + k + ": " + e.getMessage());
            return;
        }
        if (!checkpoint.origin().equals(origin)) {
            damage = new Damage(
                    Kind.ORIGIN_MISMATCH,
                    new AtCheckpoint(k, checkpoint.size()),
                    "checkpoint #" + k + " is for log '" + checkpoint.origin() + "', expected '" + origin + "'");
            return;
        }
        if (!checkpoints.isEmpty()) {
            Checkpoint previous = checkpoints.get(checkpoints.size() - 1);
            boolean shrank = checkpoint.size() < previous.size();
            boolean forked = checkpoint.size() == previous.size() && !checkpoint.equals(previous);
            if (shrank || forked) {
                damage = new Damage(
                        Kind.CHECKPOINTS_INCONSISTENT,
                        new AtCheckpoint(k, checkpoint.size()),
                        "checkpoint #" + k + " (size " + checkpoint.size() + ", root " + checkpoint.rootHex()
                                + ") does not extend checkpoint #" + (k - 1) + " (size " + previous.size()
                                + ", root " + previous.rootHex() + ")");
                return;
            }
        }
        checkpoints.add(checkpoint);
    }

    /** Best-effort size of an unverifiable note, for the damage location only; -1 if unreadable. */
    private static long sizeLine(String note) {
        if (note == null) {
            return -1;
        }
        String[] lines = note.split("\n", 3);
        try {
            return lines.length >= 2 ? Long.parseLong(lines[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Feeds the entry at {@code index}; entries must come in order 0, 1, 2, ... */
    public void accept(long index, byte[] entryBytes, byte[] storedLeafHash) {
        if (damage != null) {
            return;
        }
        long position = frontier.size();
        if (index != position) {
            damage = new Damage(
                    Kind.INDEX_NOT_CONTIGUOUS,
                    new AtEntry(position),
                    "expected the entry at index " + position + ", got index " + index);
            return;
        }
        Event event;
        try {
            event = EventCodec.decode(entryBytes);
        } catch (MalformedRecordException e) {
            damage = new Damage(Kind.ENTRY_MALFORMED, new AtEntry(index), "entry " + index + ": " + e.getMessage());
            return;
        }
        byte[] leafHash = Rfc6962.leafHash(entryBytes);
        if (storedLeafHash == null || !MessageDigest.isEqual(leafHash, storedLeafHash)) {
            damage = new Damage(
                    Kind.LEAF_HASH_MISMATCH,
                    new AtEntry(index),
                    "entry " + index + " hashes to " + HexFormat.of().formatHex(leafHash) + ", stored leaf hash is "
                            + (storedLeafHash == null
                                    ? "missing"
                                    : HexFormat.of().formatHex(storedLeafHash)));
            return;
        }
        if (event.seq() != index) {
            damage = new Damage(
                    Kind.SEQUENCE_MISMATCH,
                    new AtEntry(index),
                    "event at index " + index + " has seq " + event.seq()
                            + " (an event was deleted, inserted or moved here)");
            return;
        }
        if (!event.log().equals(origin)) {
            damage = new Damage(
                    Kind.ORIGIN_MISMATCH,
                    new AtEntry(index),
                    "event at index " + index + " belongs to log '" + event.log() + "', expected '" + origin + "'");
            return;
        }
        frontier.append(leafHash);
        checkDueCheckpoints();
    }

    private void checkDueCheckpoints() {
        while (damage == null
                && nextCheckpoint < checkpoints.size()
                && checkpoints.get(nextCheckpoint).size() == frontier.size()) {
            Checkpoint checkpoint = checkpoints.get(nextCheckpoint);
            byte[] root = frontier.root();
            if (!MessageDigest.isEqual(root, checkpoint.rootHash())) {
                damage = new Damage(
                        Kind.CHECKPOINT_ROOT_MISMATCH,
                        new Damage.CheckpointRange(
                                nextCheckpoint, checkpoint.size(), lastMatchedSize, checkpoint.size() - 1),
                        "checkpoint #" + nextCheckpoint + " of size " + checkpoint.size() + " signs root "
                                + checkpoint.rootHex() + " but the log's events give "
                                + HexFormat.of().formatHex(root)
                                + "; the change is among entries " + lastMatchedSize + ".." + (checkpoint.size() - 1));
                return;
            }
            lastMatchedSize = checkpoint.size();
            nextCheckpoint++;
        }
    }

    public boolean damaged() {
        return damage != null;
    }

    /** The report; call after the last entry. */
    public VerificationReport finish() {
        if (damage == null && nextCheckpoint < checkpoints.size()) {
            Checkpoint largest = checkpoints.get(checkpoints.size() - 1);
            damage = new Damage(
                    Kind.LOG_TRUNCATED,
                    new Damage.WholeLog(frontier.size()),
                    "checkpoint #" + (checkpoints.size() - 1) + " of size " + largest.size() + " but log has "
                            + frontier.size() + " events");
        }
        if (damage != null) {
            return new VerificationReport.Damaged(damage, frontier.size());
        }
        long latest = checkpoints.isEmpty()
                ? 0
                : checkpoints.get(checkpoints.size() - 1).size();
        return new VerificationReport.Ok(
                frontier.size(), checkpoints.size(), HexFormat.of().formatHex(frontier.root()), latest);
    }
}
