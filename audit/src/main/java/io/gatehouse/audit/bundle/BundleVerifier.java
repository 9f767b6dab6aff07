package io.gatehouse.audit.bundle;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventCodec;
import io.gatehouse.audit.MalformedRecordException;
import io.gatehouse.audit.merkle.MerkleProofs;
import io.gatehouse.audit.merkle.Rfc6962;
import io.gatehouse.audit.note.Checkpoint;
import io.gatehouse.audit.note.CheckpointException;
import io.gatehouse.audit.note.NoteVerifier;
import io.gatehouse.audit.verify.Damage;
import io.gatehouse.audit.verify.Damage.AtEntry;
import io.gatehouse.audit.verify.Damage.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a {@link Bundle} offline with only the log's verifier key: the checkpoint note must be signed by the key and
 * name the bundle's origin; each entry must be included in that checkpoint (RFC 9162 §2.1.3.2) and, decoded, carry
 * the same index and origin. Every entry is checked independently, so one edited event does not hide the others.
 */
public final class BundleVerifier {
    private BundleVerifier() {}

    public static BundleReport verify(Bundle bundle, NoteVerifier verifier) {
        Checkpoint checkpoint;
        try {
            checkpoint = verifier.verify(bundle.checkpointNote());
        } catch (CheckpointException e) {
            return untrusted(
                    bundle,
                    new Damage(
                            Kind.forCheckpoint(e.reason()),
                            new Damage.AtCheckpoint(0, -1),
                            "bundle checkpoint: " + e.getMessage()));
        }
        if (!checkpoint.origin().equals(bundle.origin())) {
            return untrusted(
                    bundle,
                    new Damage(
                            Kind.ORIGIN_MISMATCH,
                            new Damage.AtCheckpoint(0, checkpoint.size()),
                            "checkpoint is for log '" + checkpoint.origin() + "' but the bundle says '"
                                    + bundle.origin() + "'"));
        }
        List<BundleReport.EntryResult> results = new ArrayList<>();
        for (BundleEntry entry : bundle.entries()) {
            results.add(verifyEntry(entry, checkpoint));
        }
        return new BundleReport(Optional.of(checkpoint), Optional.empty(), results);
    }

    private static BundleReport.EntryResult verifyEntry(BundleEntry entry, Checkpoint checkpoint) {
        long index = entry.index();
        if (index >= checkpoint.size()) {
            return rejected(
                    index,
                    Kind.INDEX_BEYOND_CHECKPOINT,
                    "entry index " + index + " is beyond the checkpoint of size " + checkpoint.size());
        }
        byte[] bytes = entry.entry();
        if (!MerkleProofs.verifyInclusion(
                Rfc6962.leafHash(bytes), index, checkpoint.size(), entry.inclusionProof(), checkpoint.rootHash())) {
            return rejected(
                    index,
                    Kind.INCLUSION_PROOF_FAILED,
                    "entry " + index + " is not included in the checkpoint of size " + checkpoint.size()
                            + " (edited entry or wrong proof)");
        }
        Event event;
        try {
            event = EventCodec.decode(bytes);
        } catch (MalformedRecordException e) {
            return rejected(index, Kind.ENTRY_MALFORMED, "entry " + index + ": " + e.getMessage());
        }
        if (event.seq() != index) {
            return rejected(index, Kind.SEQUENCE_MISMATCH, "entry at index " + index + " has seq " + event.seq());
        }
        if (!event.log().equals(checkpoint.origin())) {
            return rejected(
                    index,
                    Kind.ORIGIN_MISMATCH,
                    "entry at index " + index + " belongs to log '" + event.log() + "', expected '"
                            + checkpoint.origin() + "'");
        }
        return new BundleReport.EntryResult.Verified(index, event);
    }

    private static BundleReport.EntryResult rejected(long index, Kind kind, String message) {
        return new BundleReport.EntryResult.Rejected(index, new Damage(kind, new AtEntry(index), message));
    }

    private static BundleReport untrusted(Bundle bundle, Damage checkpointDamage) {
        List<BundleReport.EntryResult> results = new ArrayList<>();
        for (BundleEntry entry : bundle.entries()) {
            results.add(rejected(
                    entry.index(),
                    Kind.CHECKPOINT_UNTRUSTED,
                    "entry " + entry.index() + " not checked: " + checkpointDamage.message()));
        }
        return new BundleReport(Optional.empty(), Optional.of(checkpointDamage), results);
    }
}
