package io.gatehouse.gateway.recorder;

import io.gatehouse.audit.note.NoteVerifier;
import io.gatehouse.audit.verify.LogVerifier;
import io.gatehouse.audit.verify.VerificationReport;
import io.gatehouse.store.LogEntry;
import io.gatehouse.store.LogRepository;
import io.gatehouse.store.StoredCheckpoint;
import java.util.List;

/**
 * {@code gatehouse audit verify} against a store: every event of one log is re-read in index order and fed
 * to the audit module's streaming {@link LogVerifier} together with every stored checkpoint. Nothing that
 * the store derived is trusted: leaf hashes are recomputed from the event bytes and roots from the leaves;
 * only the signature key is taken from the caller.
 */
public final class StoreVerifier {
    private static final int PAGE = 5000;

    private StoreVerifier() {}

    /** The report and a one-line summary fit for a terminal. */
    public record Result(String origin, VerificationReport report) {
        public boolean ok() {
            return report.ok();
        }

        public String summary() {
            return switch (report) {
                case VerificationReport.Ok ok ->
                    "ok: log '" + origin + "': " + ok.events() + " events, "
                            + ok.checkpoints()
                            + " checkpoints; every event re-hashed, every checkpoint's signature, root and "
                            + "consistency checked; latest checkpoint covers " + ok.latestCheckpointSize() + " events"
                            + (ok.uncoveredEvents() > 0
                                    ? " (" + ok.uncoveredEvents() + " newer events not yet signed)"
                                    : "")
                            + "; root " + ok.rootHex();
                case VerificationReport.Damaged damaged ->
                    "DAMAGED: log '" + origin + "': "
                            + damaged.damage().message() + " ["
                            + damaged.damage().kind() + " at "
                            + damaged.damage().location() + "]";
            };
        }
    }

    public static Result verify(LogRepository log, String origin, NoteVerifier verifier) {
        List<String> notes =
                log.checkpoints(origin).stream().map(StoredCheckpoint::note).toList();
        LogVerifier verifying = new LogVerifier(origin, notes, verifier);
        long next = 0;
        while (!verifying.damaged()) {
            List<LogEntry> page = log.read(origin, next, PAGE);
            if (page.isEmpty()) {
                break;
            }
            for (LogEntry entry : page) {
                verifying.accept(entry.index(), entry.entry(), entry.leafHash());
                if (verifying.damaged()) {
                    break;
                }
            }
            next = page.get(page.size() - 1).index() + 1;
        }
        return new Result(origin, verifying.finish());
    }
}
