package io.gatehouse.audit.note;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.SeedMutator;
import org.junit.jupiter.api.Test;

/** Seconds of fuzzing on every build for the note verifier: 50,000 mutants of {@link NoteVerifierFuzzTest}'s seeds. */
class NoteMutationTest {
    @Test
    void mutantsOfTheSeedsVerifyOrAreRefused() {
        NoteVerifierFuzzTest fuzz = new NoteVerifierFuzzTest();
        assertThat(SeedMutator.run(
                        "NoteVerifier.verify",
                        SeedMutator.seeds(NoteVerifierFuzzTest.class, "NoteVerifierFuzzTestInputs/verify"),
                        20261124L,
                        50_000,
                        fuzz::verify))
                .isEqualTo(50_000);
    }
}
