package io.gatehouse.audit.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.MalformedRecordException;
import io.gatehouse.testkit.SeedMutator;
import org.junit.jupiter.api.Test;

/** Seconds of fuzzing on every build for the bundle parser: 20,000 mutants of {@link BundleCodecFuzzTest}'s seeds. */
class BundleMutationTest {
    @Test
    void mutantsOfTheSeedsParseOrAreRefusedAsMalformed() {
        BundleCodecFuzzTest fuzz = new BundleCodecFuzzTest();
        assertThat(SeedMutator.run(
                        "BundleCodec.read",
                        SeedMutator.seeds(BundleCodecFuzzTest.class, "BundleCodecFuzzTestInputs/read"),
                        20261124L,
                        20_000,
                        json -> {
                            try {
                                fuzz.read(json);
                            } catch (MalformedRecordException e) {
                                throw new AssertionError("the fuzz target lets MalformedRecordException out", e);
                            }
                        }))
                .isEqualTo(20_000);
    }
}
