package io.gatehouse.gateway.recorder;

import io.gatehouse.audit.note.NoteSigner;
import io.gatehouse.audit.note.NoteVerifier;
import io.gatehouse.store.LogRepository;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens one gateway instance's log (with recovery checks) and starts its writer. */
public final class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private AuditLog() {}

    public static LogWriter open(
            String origin, LogRepository log, NoteSigner signer, RecorderSettings settings, Clock clock) {
        NoteVerifier verifier = NoteVerifier.parse(signer.verifierKey());
        Recovery.Opened opened = Recovery.open(log, origin, verifier);
        LOG.info(
                "audit log '{}': {} events, {} checked since the last checkpoint",
                origin,
                opened.frontier().size(),
                opened.tailChecked());
        LogWriter writer =
                new LogWriter(origin, log, signer, opened.frontier(), opened.checkpointedSize(), settings, clock);
        writer.start();
        return writer;
    }
}
