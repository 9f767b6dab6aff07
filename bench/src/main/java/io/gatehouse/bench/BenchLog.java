package io.gatehouse.bench;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.Value;
import io.gatehouse.audit.note.NoteSigner;
import io.gatehouse.gateway.recorder.AuditLog;
import io.gatehouse.gateway.recorder.LogWriter;
import io.gatehouse.gateway.recorder.RecorderSettings;
import io.gatehouse.store.Store;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** What the recorder micro-benchmarks ({@link WriterCpu}, {@link IndexerCpu}) share: a log writer and its events. */
final class BenchLog {
    private BenchLog() {}

    /**
     * A log writer on {@code store} with a fresh signing key, a queue large enough that the benchmark's bursts
     * are never refused, and the default batch (1,024 events).
     */
    static LogWriter openWriter(Store store, String origin) throws GeneralSecurityException {
        var keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        return AuditLog.open(
                origin,
                store.log(),
                new NoteSigner(origin, keys),
                new RecorderSettings(1 << 20, 1024, Duration.ofSeconds(1), Duration.ofSeconds(5)),
                Clock.systemUTC());
    }

    /** About the size of a pgbench -S statement recorded with its outcome, as a best-effort session records it. */
    static Event pgbenchStatement(String session, long command, long aid) {
        return withOutcome(commandFields(session, command, aid)).build();
    }

    /** A pgbench -S statement as a fail-closed session records it before it runs: no outcome yet. */
    static Event pgbenchCommand(String session, long command, long aid) {
        return commandFields(session, command, aid).build();
    }

    /** The outcome of {@link #pgbenchCommand}, a {@code command.result} event of its own. */
    static Event pgbenchOutcome(String session, long command) {
        return withOutcome(sessionEvent(EventKind.COMMAND_RESULT, session).field("command", Value.of(command)))
                .build();
    }

    private static Event.Builder commandFields(String session, long command, long aid) {
        return sessionEvent(EventKind.COMMAND, session)
                .field("command", Value.of(command))
                .field("protocol", Value.of("extended"))
                .field("sql", Value.of("SELECT abalance FROM pgbench_accounts WHERE aid = $1"))
                .field("parameters", Value.of(List.of(Value.of(Long.toString(aid)))))
                .field("statement", Value.of("P_1"))
                .field("database", Value.of("bench"));
    }

    private static Event.Builder withOutcome(Event.Builder event) {
        return event.field("status", Value.of("ok"))
                .field("tag", Value.of("SELECT 1"))
                .field("rows", Value.of(1L))
                .field("duration_micros", Value.of(80L));
    }

    private static Event.Builder sessionEvent(EventKind kind, String session) {
        return Event.builder(kind)
                .timeMicros(System.currentTimeMillis() * 1000)
                .session(session)
                .identity("agent-7")
                .connection("pg-prod");
    }
}
