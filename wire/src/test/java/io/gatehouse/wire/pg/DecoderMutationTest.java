package io.gatehouse.wire.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.SeedMutator;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seconds of fuzzing on every build: {@link DecoderFuzzTest}'s targets, fed 100,000 mutants of their seed corpora
 * each (fixed random seed, so a failure reproduces). {@code bench/fuzz.sh} is the coverage-guided, longer run.
 */
class DecoderMutationTest {
    private static final int ROUNDS = 100_000;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "startupDecoder",
                "frontendDecoderNormalPhase",
                "frontendDecoderAuthenticationPhases",
                "backendDecoder",
                "parameterRenderer"
            })
    void mutantsOfTheSeedsKeepTheDecodersContract(String target) {
        DecoderFuzzTest fuzz = new DecoderFuzzTest();
        Consumer<byte[]> run =
                switch (target) {
                    case "startupDecoder" -> fuzz::startupDecoder;
                    case "frontendDecoderNormalPhase" -> fuzz::frontendDecoderNormalPhase;
                    case "frontendDecoderAuthenticationPhases" -> fuzz::frontendDecoderAuthenticationPhases;
                    case "backendDecoder" -> fuzz::backendDecoder;
                    default -> fuzz::parameterRenderer;
                };
        long runs = SeedMutator.run(
                target,
                SeedMutator.seeds(DecoderFuzzTest.class, "DecoderFuzzTestInputs/" + target),
                20261124L,
                ROUNDS,
                run);
        assertThat(runs).isEqualTo(ROUNDS);
    }
}
