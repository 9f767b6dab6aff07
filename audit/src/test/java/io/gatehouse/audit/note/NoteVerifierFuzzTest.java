package io.gatehouse.audit.note;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * NoteVerifier.verify on arbitrary text: the only allowed failure is {@link CheckpointException}, and a note that
 * verifies must carry a checkpoint whose body is the signed text. Seeds: NoteVerifierFuzzTestInputs/verify (see
 * FuzzSeeds).
 */
class NoteVerifierFuzzTest {
    static final String ORIGIN = "gh.example/log";
    private static final NoteVerifier KEY = FixedKeys.signer(ORIGIN, 2).verifier();

    /**
     * Input bytes to text: UTF-8 (malformed sequences become U+FFFD), or, after a leading 0x00, raw big-endian UTF-16
     * chars, which also reach unpaired surrogates that no UTF-8 input can.
     */
    static String text(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != 0) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        StringBuilder chars = new StringBuilder(bytes.length / 2);
        for (int i = 1; i + 1 < bytes.length; i += 2) {
            chars.append((char) (((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)));
        }
        return chars.toString();
    }

    @FuzzTest(maxDuration = "2m")
    void verify(byte[] bytes) {
        String note = text(bytes);
        Checkpoint checkpoint;
        try {
            checkpoint = KEY.verify(note);
        } catch (CheckpointException expected) {
            return;
        }
        assertThat(note).startsWith(checkpoint.body() + "\n");
    }
}
