package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.SeedMutator;
import org.junit.jupiter.api.Test;

/**
 * Seconds of fuzzing on every build for the event codec: 100,000 mutants of {@link EventCodecFuzzTest}'s seeds
 * (fixed random seed). The bundle parser and the note verifier have their own, next to their fuzz tests.
 */
class AuditMutationTest {
    @Test
    void mutantsOfTheSeedsDecodeOrAreRefusedAsMalformed() {
        EventCodecFuzzTest fuzz = new EventCodecFuzzTest();
        assertThat(SeedMutator.run(
                        "EventCodec.decode",
                        SeedMutator.seeds(EventCodecFuzzTest.class, "EventCodecFuzzTestInputs/decode"),
                        20261124L,
                        100_000,
                        fuzz::decode))
                .isEqualTo(100_000);
    }
}
