package io.gatehouse.audit.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gatehouse.audit.MalformedRecordException;
import io.gatehouse.audit.note.FixedKeys;
import io.gatehouse.audit.note.NoteVerifier;

/**
 * BundleCodec.read on arbitrary bytes: the only allowed failure is {@link MalformedRecordException}; a bundle that
 * reads must write and read back equal, and BundleVerifier must judge it (with the key that signed the seeds)
 * without throwing. Seeds: BundleCodecFuzzTestInputs/read (see FuzzSeeds).
 */
class BundleCodecFuzzTest {
    static final String ORIGIN = "gw1.example/log";
    private static final NoteVerifier KEY = FixedKeys.signer(ORIGIN, 1).verifier();

    @FuzzTest(maxDuration = "2m")
    void read(byte[] json) throws MalformedRecordException {
        Bundle bundle;
        try {
            bundle = BundleCodec.read(json);
        } catch (MalformedRecordException expected) {
            return;
        }
        assertThat(BundleCodec.read(BundleCodec.write(bundle))).isEqualTo(bundle);
        BundleReport report = BundleVerifier.verify(bundle, KEY);
        assertThat(report.entries()).hasSameSizeAs(bundle.entries());
    }
}
