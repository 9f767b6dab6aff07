package io.gatehouse.audit.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.audit.Cases;
import io.gatehouse.audit.EventCodec;
import io.gatehouse.audit.MalformedRecordException;
import io.gatehouse.audit.TestLog;
import io.gatehouse.audit.note.NoteSigner;
import io.gatehouse.audit.verify.Damage;
import io.gatehouse.audit.verify.Damage.Kind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BundleTest {
    private static final String ORIGIN = "gw1.example/log";
    private static final NoteSigner SIGNER = NoteSigner.generate(ORIGIN);

    private static final TestLog LOG = TestLog.of(ORIGIN, SIGNER, 13, 13);

    private static Bundle bundleOf(int... indices) {
        BundleBuilder builder = new BundleBuilder(ORIGIN, LOG.notes.get(0), 13, LOG);
        for (int i : indices) {
            builder.add(i, LOG.rows.get(i).entry());
        }
        return builder.build();
    }

    @Test
    void intactBundleVerifiesEveryEntryAfterAJsonRoundTrip() throws Exception {
        Bundle bundle = bundleOf(0, 5, 12);
        Bundle read = BundleCodec.read(BundleCodec.write(bundle));
        assertThat(read).isEqualTo(bundle);
        BundleReport report = BundleVerifier.verify(read, SIGNER.verifier());
        assertThat(report.ok()).isTrue();
        assertThat(report.entries()).extracting(BundleReport.EntryResult::index).containsExactly(0L, 5L, 12L);
        assertThat(((BundleReport.EntryResult.Verified) report.entries().get(1)).event())
                .isEqualTo(LOG.event(5));
    }

    @Test
    void editedEventFailsItsInclusionProofAndOnlyThatEntry() throws Exception {
        Bundle bundle = bundleOf(4, 5, 6);
        byte[] edited = EventCodec.encode(TestLog.command(99).sequenced(ORIGIN, 5));
        List<BundleEntry> entries = new java.util.ArrayList<>(bundle.entries());
        entries.set(1, new BundleEntry(5, edited, bundle.entries().get(1).inclusionProof()));
        BundleReport report = BundleVerifier.verify(
                BundleCodec.read(BundleCodec.write(new Bundle(ORIGIN, bundle.checkpointNote(), entries))),
                SIGNER.verifier());
        assertThat(report.ok()).isFalse();
        assertThat(report.entries().get(0)).isInstanceOf(BundleReport.EntryResult.Verified.class);
        assertThat(report.entries().get(2)).isInstanceOf(BundleReport.EntryResult.Verified.class);
        Damage damage = ((BundleReport.EntryResult.Rejected) report.entries().get(1)).damage();
        assertThat(damage.kind()).isEqualTo(Kind.INCLUSION_PROOF_FAILED);
        assertThat(damage.location()).isEqualTo(new Damage.AtEntry(5));
    }

    @Test
    void wrongKeyRejectsTheCheckpointAndLeavesEveryEntryUnverified() {
        BundleReport report = BundleVerifier.verify(
                bundleOf(1, 2), NoteSigner.generate(ORIGIN).verifier());
        assertThat(report.checkpoint()).isEmpty();
        assertThat(report.checkpointDamage()).map(Damage::kind).contains(Kind.CHECKPOINT_NOT_SIGNED_BY_KEY);
        assertThat(report.entries()).allSatisfy(e -> assertThat(
                        ((BundleReport.EntryResult.Rejected) e).damage().kind())
                .isEqualTo(Kind.CHECKPOINT_UNTRUSTED));
    }

    @Test
    void originMismatchBetweenNoteAndBundleIsRejected() {
        Bundle bundle = bundleOf(1);
        BundleReport report = BundleVerifier.verify(
                new Bundle("other.example/log", bundle.checkpointNote(), bundle.entries()), SIGNER.verifier());
        assertThat(report.checkpointDamage()).map(Damage::kind).contains(Kind.ORIGIN_MISMATCH);
    }

    @Test
    void indexBeyondTheCheckpointIsRejected() {
        Bundle bundle = bundleOf(1);
        BundleEntry beyond = new BundleEntry(13, LOG.rows.get(1).entry(), List.of());
        BundleReport report =
                BundleVerifier.verify(new Bundle(ORIGIN, bundle.checkpointNote(), List.of(beyond)), SIGNER.verifier());
        Damage damage = ((BundleReport.EntryResult.Rejected) report.entries().get(0)).damage();
        assertThat(damage.kind()).isEqualTo(Kind.INDEX_BEYOND_CHECKPOINT);
        assertThat(damage.location()).isEqualTo(new Damage.AtEntry(13));
    }

    @Test
    void entryPresentedAtAnotherIndexFailsItsProof() {
        Bundle bundle = bundleOf(3);
        BundleEntry moved = new BundleEntry(
                2, LOG.rows.get(3).entry(), bundle.entries().get(0).inclusionProof());
        BundleReport report =
                BundleVerifier.verify(new Bundle(ORIGIN, bundle.checkpointNote(), List.of(moved)), SIGNER.verifier());
        Damage damage = ((BundleReport.EntryResult.Rejected) report.entries().get(0)).damage();
        assertThat(damage.kind()).isEqualTo(Kind.INCLUSION_PROOF_FAILED);
        assertThat(damage.location()).isEqualTo(new Damage.AtEntry(2));
    }

    @Test
    void malformedJsonIsNamed() {
        String good = new String(BundleCodec.write(bundleOf(1)), StandardCharsets.UTF_8);
        assertMalformed("{", "not valid JSON");
        assertMalformed("[]", "bundle is missing or not a JSON object");
        assertMalformed(good.replace(BundleCodec.FORMAT, "other/9"), "expected 'gatehouse-audit-bundle/1'");
        assertMalformed(good.replace("\"index\" : 1", "\"index\" : -1"), "entries[0].index");
        assertMalformed(good.replace("\"index\" : 1", "\"index\" : 1.5"), "entries[0].index");
        assertMalformed(good.replace("\"origin\"", "\"extra\" : 1, \"origin\""), "unknown field 'extra'");
        assertMalformed(good.replace("\"origin\"", "\"format\" : \"x\", \"origin\""), "Duplicate field");
        assertMalformed(good.replace("\"entry\" : \"", "\"entry\" : \"!"), "entries[0].entry is not standard base64");
        assertMalformed(good + "{}", "not valid JSON");
    }

    private static void assertMalformed(String json, String message) {
        assertThatThrownBy(() -> BundleCodec.read(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining(message);
    }

    @Test
    void proofsLongerThanTheBoundAreRejected() {
        List<byte[]> tooLong = java.util.Collections.nCopies(65, new byte[32]);
        byte[] json = BundleCodec.write(new Bundle(ORIGIN, "n", List.of(new BundleEntry(0, new byte[1], tooLong))));
        assertThatThrownBy(() -> BundleCodec.read(json)).hasMessageContaining("at most 64");
    }

    @Test
    void randomBytesOnlyEverFailWithMalformedRecord() {
        List<byte[]> edges = List.of(
                new byte[0],
                "{}".getBytes(StandardCharsets.UTF_8),
                "null".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xff});
        Cases.check(
                "random bytes read cleanly or fail with MalformedRecordException",
                0x5EED_0301L,
                1000,
                edges,
                r -> {
                    byte[] bytes = new byte[r.nextInt(256)];
                    r.nextBytes(bytes);
                    return bytes;
                },
                BundleTest::assertReadFailsCleanlyOrRoundTrips);
    }

    private static final String PUNCTUATION = "{}[]\":,0-9e.\\ ";

    @Test
    void mutatedBundlesOnlyEverFailWithMalformedRecordOrRoundTrip() {
        byte[] good = BundleCodec.write(bundleOf(0, 7, 12));
        Cases.check(
                "mutated bundles read cleanly or fail with MalformedRecordException",
                0x5EED_0302L,
                1000,
                List.of(good, java.util.Arrays.copyOf(good, good.length / 2)),
                r -> {
                    byte[] bytes = good.clone();
                    int mutations = 1 + r.nextInt(3);
                    for (int i = 0; i < mutations; i++) {
                        // Half of the changes are JSON punctuation, so the structure breaks in interesting ways.
                        bytes[r.nextInt(bytes.length)] = r.nextBoolean()
                                ? (byte) r.nextInt(256)
                                : (byte) PUNCTUATION.charAt(r.nextInt(PUNCTUATION.length()));
                    }
                    return bytes;
                },
                BundleTest::assertReadFailsCleanlyOrRoundTrips);
    }

    /** The only allowed failure is MalformedRecordException; whatever is read writes and reads back the same. */
    private static void assertReadFailsCleanlyOrRoundTrips(byte[] bytes) throws MalformedRecordException {
        Bundle read;
        try {
            read = BundleCodec.read(bytes);
        } catch (MalformedRecordException expected) {
            return;
        }
        assertThat(BundleCodec.read(BundleCodec.write(read))).isEqualTo(read);
        BundleVerifier.verify(read, SIGNER.verifier());
    }

    /** The example in docs/record-format.md §4 must verify with the key printed there. */
    @Test
    void documentedExampleBundleVerifies() throws Exception {
        String json = """
{
  "format" : "gatehouse-audit-bundle/1",
  "origin" : "gh.example/log",
  "checkpoint" : "gh.example/log\\n5\\nOJmREUMsZ/WA6KqJ2BD4FY1/eBCuherxrZJYQA3imRA=\\n\\n— gh.example/log RHp1d1RZLC4aFp9WaySP2G+6X5ABlcsDdsARbDk0+R4vfx+LLslqLYT2gnlWs7YQ1ua06wwWt3ptRtts0U1E9oLYAg0=\\n",
  "entries" : [ {
    "index" : 3,
    "entry" : "AQAAAA5naC5leGFtcGxlL2xvZwAAAAAAAAADAAYKJBgeQAMBAAAACXNlc3Npb24tMAEAAAAHYWdlbnQtMQEAAAACcGcAAAAHY29tbWFuZAAAAAEAAAADc3FsAQAAAAhzZWxlY3QgMw==",
    "inclusionProof" : [ "sLJg14mGcb9ydKB3yo5vBkImsOJ2/3g83ejA4bFSet4=", "s/RaiAPLnVtNoPPeDjo4C3O6pFYYB7b6Lg1Pqfvr0fo=", "I9do3dFbvNbgSHOWifNhkHIjEIg7Qne240YVfeQhyeg=" ]
  } ]
}
""";
        BundleReport report = BundleVerifier.verify(
                BundleCodec.read(json.getBytes(StandardCharsets.UTF_8)),
                io.gatehouse.audit.note.NoteVerifier.parse(
                        "gh.example/log+447a7577+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"));
        assertThat(report.ok()).isTrue();
        assertThat(report.entries()).extracting(BundleReport.EntryResult::index).containsExactly(3L);
    }
}
