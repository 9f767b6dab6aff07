package io.gatehouse.audit.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.Cases;
import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.TestLog;
import io.gatehouse.audit.Value;
import io.gatehouse.audit.merkle.Rfc6962;
import io.gatehouse.audit.note.Checkpoint;
import io.gatehouse.audit.note.NoteSigner;
import io.gatehouse.audit.verify.Damage.AtCheckpoint;
import io.gatehouse.audit.verify.Damage.AtEntry;
import io.gatehouse.audit.verify.Damage.Kind;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogVerifierTest {
    private static final String ORIGIN = "gw1.example/log";
    private static final NoteSigner SIGNER = NoteSigner.generate(ORIGIN);

    private TestLog log;

    @BeforeEach
    void twentyEventsWithCheckpointsAt5And12And20() {
        log = TestLog.of(ORIGIN, SIGNER, 20, 5, 12, 20);
    }

    private static VerificationReport verify(TestLog log) {
        LogVerifier verifier = new LogVerifier(ORIGIN, log.notes, SIGNER.verifier());
        for (int i = 0; i < log.rows.size(); i++) {
            verifier.accept(i, log.rows.get(i).entry(), log.rows.get(i).leafHash());
        }
        return verifier.finish();
    }

    private static Damage damage(VerificationReport report) {
        assertThat(report).isInstanceOf(VerificationReport.Damaged.class);
        return ((VerificationReport.Damaged) report).damage();
    }

    @Test
    void intactLogVerifies() {
        VerificationReport report = verify(log);
        assertThat(report)
                .isEqualTo(new VerificationReport.Ok(
                        20, 3, HexFormat.of().formatHex(log.currentCheckpoint().rootHash()), 20));
    }

    @Test
    void changedFieldIsALeafHashMismatchAtItsIndex() throws Exception {
        Event original = log.event(7);
        Event edited = new Event(
                original.log(),
                original.seq(),
                original.timeMicros(),
                original.session(),
                original.identity(),
                original.connection(),
                original.kind(),
                new java.util.TreeMap<>(java.util.Map.of("sql", Value.of("select 'harmless'"))));
        log.overwrite(7, edited, false);
        Damage damage = damage(verify(log));
        assertThat(damage.kind()).isEqualTo(Kind.LEAF_HASH_MISMATCH);
        assertThat(damage.location()).isEqualTo(new AtEntry(7));
    }

    @Test
    void changedFieldWithRecomputedLeafHashIsCaughtByTheNextCheckpoint() throws Exception {
        log.overwrite(7, withSql(log.event(7), "drop table x"), true);
        Damage damage = damage(verify(log));
        assertThat(damage.kind()).isEqualTo(Kind.CHECKPOINT_ROOT_MISMATCH);
        assertThat(damage.location()).isEqualTo(new Damage.CheckpointRange(1, 12, 5, 11));
        assertThat(damage.message()).contains("checkpoint #1 of size 12").contains("entries 5..11");
    }

    private static Event withSql(Event e, String sql) {
        return new Event(
                e.log(),
                e.seq(),
                e.timeMicros(),
                e.session(),
                e.identity(),
                e.connection(),
                e.kind(),
                new java.util.TreeMap<>(java.util.Map.of("sql", Value.of(sql))));
    }

    @Test
    void deletedEventIsASequenceMismatchWhereItWas() {
        log.rows.remove(7);
        Damage damage = damage(verify(log));
        assertThat(damage.kind()).isEqualTo(Kind.SEQUENCE_MISMATCH);
        assertThat(damage.location()).isEqualTo(new AtEntry(7));
        assertThat(damage.message()).contains("index 7 has seq 8");
    }

    @Test
    void swappedPairIsASequenceMismatchAtTheFirstOfThem() {
        Collections.swap(log.rows, 7, 8);
        Damage damage = damage(verify(log));
        assertThat(damage.kind()).isEqualTo(Kind.SEQUENCE_MISMATCH);
        assertThat(damage.location()).isEqualTo(new AtEntry(7));
    }

    @Test
    void insertedEventIsASequenceMismatchAtTheDisplacedEvent() {
        // The forger gives the inserted event the seq of the slot it takes; the displaced original exposes it.
        byte[] forged = io.gatehouse.audit.EventCodec.encode(
                Event.builder(EventKind.ADMIN).identity("intruder").build().sequenced(ORIGIN, 7));
        log.rows.add(7, new TestLog.Row(forged, Rfc6962.leafHash(forged)));
        Damage damage = damage(verify(log));
        assertThat(damage.kind()).isEqualTo(Kind.SEQUENCE_MISMATCH);
        assertThat(damage.location()).isEqualTo(new AtEntry(8));
    }

    @Test
    void truncatedTailIsReportedWithBothSizes() {
        log.rows.subList(17, 20).clear();
        Damage damage = damage(verify(log));
        assertThat(damage.kind()).isEqualTo(Kind.LOG_TRUNCATED);
        assertThat(damage.location()).isEqualTo(new Damage.WholeLog(17));
        assertThat(damage.message()).isEqualTo("checkpoint #2 of size 20 but log has 17 events");
    }

    @Test
    void checkpointSignedWithAnotherKeyIsRejected() {
        TestLog rewritten = TestLog.of(ORIGIN, NoteSigner.generate(ORIGIN), 20, 5, 12, 20);
        log.notes.set(1, rewritten.notes.get(1));
        Damage damage = damage(verify(log));
        assertThat(damage.kind()).isEqualTo(Kind.CHECKPOINT_NOT_SIGNED_BY_KEY);
        assertThat(damage.location()).isEqualTo(new AtCheckpoint(1, 12));
    }

    @Test
    void wholeStoreRewrittenAndResignedWithAnotherKeyIsRejectedAtTheFirstCheckpoint() {
        TestLog forged = TestLog.of(ORIGIN, NoteSigner.generate(ORIGIN), 20, 5, 12, 20);
        forged.overwrite(3, withSql(TestLog.command(3).sequenced(ORIGIN, 3), "drop table x"), true);
        Damage damage = damage(verify(forged));
        assertThat(damage.kind()).isEqualTo(Kind.CHECKPOINT_NOT_SIGNED_BY_KEY);
        assertThat(damage.location()).isEqualTo(new AtCheckpoint(0, 5));
    }

    @Test
    void checkpointWithModifiedRootOrSizeIsABadSignature() {
        String note = log.notes.get(2);
        String root = Base64.getEncoder().encodeToString(log.currentCheckpoint().rootHash());
        log.notes.set(2, note.replace(root, Base64.getEncoder().encodeToString(Rfc6962.emptyRoot())));
        Damage damage = damage(verify(log));
        assertThat(damage.kind()).isEqualTo(Kind.CHECKPOINT_BAD_SIGNATURE);
        assertThat(damage.location()).isEqualTo(new AtCheckpoint(2, 20));

        log.notes.set(2, note.replaceFirst("\n20\n", "\n19\n"));
        damage = damage(verify(log));
        assertThat(damage.kind()).isEqualTo(Kind.CHECKPOINT_BAD_SIGNATURE);
        assertThat(damage.location()).isEqualTo(new AtCheckpoint(2, 19));
    }

    @Test
    void eventFromAnotherLogIsAnOriginMismatch() throws Exception {
        log.overwrite(4, log.event(4).sequenced("other.example/log", 4), true);
        Damage damage = damage(verify(log));
        assertThat(damage.kind()).isEqualTo(Kind.ORIGIN_MISMATCH);
        assertThat(damage.location()).isEqualTo(new AtEntry(4));
    }

    @Test
    void undecodableEntryIsMalformedAtItsIndex() {
        byte[] garbage = {1, 2, 3};
        log.rows.set(9, new TestLog.Row(garbage, Rfc6962.leafHash(garbage)));
        Damage damage = damage(verify(log));
        assertThat(damage.kind()).isEqualTo(Kind.ENTRY_MALFORMED);
        assertThat(damage.location()).isEqualTo(new AtEntry(9));
    }

    @Test
    void gapInTheCallersIndexIsReported() {
        LogVerifier verifier = new LogVerifier(ORIGIN, log.notes, SIGNER.verifier());
        verifier.accept(0, log.rows.get(0).entry(), log.rows.get(0).leafHash());
        verifier.accept(2, log.rows.get(2).entry(), log.rows.get(2).leafHash());
        assertThat(verifier.damaged()).isTrue();
        Damage damage = damage(verifier.finish());
        assertThat(damage.kind()).isEqualTo(Kind.INDEX_NOT_CONTIGUOUS);
        assertThat(damage.location()).isEqualTo(new AtEntry(1));
    }

    @Test
    void checkpointsMustNotShrinkOrFork() {
        List<String> shrinking = List.of(log.notes.get(1), log.notes.get(0));
        LogVerifier verifier = new LogVerifier(ORIGIN, shrinking, SIGNER.verifier());
        Damage damage = damage(verifier.finish());
        assertThat(damage.kind()).isEqualTo(Kind.CHECKPOINTS_INCONSISTENT);
        assertThat(damage.location()).isEqualTo(new AtCheckpoint(1, 5));

        // Same size, different root, both validly signed: a fork (split view).
        String fork = SIGNER.sign(new Checkpoint(ORIGIN, 12, Rfc6962.emptyRoot()));
        verifier = new LogVerifier(ORIGIN, List.of(log.notes.get(1), fork), SIGNER.verifier());
        damage = damage(verifier.finish());
        assertThat(damage.kind()).isEqualTo(Kind.CHECKPOINTS_INCONSISTENT);
        assertThat(damage.location()).isEqualTo(new AtCheckpoint(1, 12));
    }

    @Test
    void checkpointOfAnotherLogIsAnOriginMismatch() {
        String foreign = SIGNER.sign(
                new Checkpoint("other.example/log", 5, log.currentCheckpoint().rootHash()));
        log.notes.set(0, foreign);
        Damage damage = damage(verify(log));
        assertThat(damage.kind()).isEqualTo(Kind.ORIGIN_MISMATCH);
        assertThat(damage.location()).isEqualTo(new AtCheckpoint(0, 5));
    }

    @Test
    void eventsAfterTheLastCheckpointAreCountedAsUncovered() {
        log.append(TestLog.command(20));
        VerificationReport report = verify(log);
        assertThat(report.ok()).isTrue();
        assertThat(((VerificationReport.Ok) report).uncoveredEvents()).isEqualTo(1);
    }

    /** A log of {@code n} events, checkpointed every {@code every} events and at the end, with entry {@code edit} rewritten. */
    record Edit(int n, int edit, int every) {}

    @Test
    void anyRehashedEditIsPinnedToTheFirstCheckpointAfterIt() {
        // Corners: one-event log, the largest log, edits of the first and last entry and on both sides of a checkpoint.
        List<Edit> edges = List.of(
                new Edit(1, 0, 1),
                new Edit(1, 0, 9),
                new Edit(70, 0, 1),
                new Edit(70, 69, 1),
                new Edit(70, 69, 9),
                new Edit(70, 62, 9),
                new Edit(70, 63, 9),
                new Edit(70, 64, 9),
                new Edit(9, 8, 9),
                new Edit(10, 9, 9));
        Cases.check(
                "a rehashed edit is pinned to the first checkpoint after it",
                0x5EED_0201L,
                100,
                edges,
                r -> new Edit(1 + r.nextInt(70), r.nextInt(70), 1 + r.nextInt(9)),
                LogVerifierTest::assertEditPinned);
    }

    private static void assertEditPinned(Edit e) {
        int n = e.n();
        int[] sizes = java.util.stream.IntStream.rangeClosed(0, n)
                .filter(s -> s % e.every() == 0 || s == n)
                .toArray();
        TestLog fresh = TestLog.of(ORIGIN, SIGNER, n, sizes);
        assertThat(verify(fresh).ok()).isTrue();
        int edit = e.edit() % n;
        fresh.overwrite(edit, withSql(TestLog.command(edit).sequenced(ORIGIN, edit), "tampered"), true);
        Damage damage = damage(verify(fresh));
        int covering = 0;
        while (sizes[covering] <= edit) {
            covering++;
        }
        int previous = sizes[covering - 1];
        assertThat(damage.kind()).isEqualTo(Kind.CHECKPOINT_ROOT_MISMATCH);
        assertThat(damage.location())
                .isEqualTo(new Damage.CheckpointRange(covering, sizes[covering], previous, sizes[covering] - 1));
    }
}
