package io.gatehouse.wire.pg;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Jazzer fuzz tests: whatever the bytes, a decoder yields items, needs more bytes, or reports a
 * protocol violation, and never throws; the items it yields re-encode to exactly the bytes it
 * consumed. The first byte of the input picks the chunk size the rest is fed in. In a normal test
 * run each method replays its seed corpus under
 * {@code src/test/resources/io/gatehouse/wire/pg/DecoderFuzzTestInputs/<method>/}; see
 * {@code wire/fuzz.md} for fuzzing mode.
 */
class DecoderFuzzTest {
    private static final DecoderLimits LIMITS = new DecoderLimits(1 << 16, 256, 64);

    private static <M> void check(byte[] data, Function<ByteBuffer, DecodeResult<M>> decoder) {
        int chunk = data.length == 0 ? 1 : (data[0] & 0x3F) + 1;
        ByteArrayOutputStream reencoded = new ByteArrayOutputStream();
        int consumed = 0;
        boolean failed = false;
        for (int offset = 0; offset < data.length && !failed; offset += chunk) {
            ByteBuffer input = ByteBuffer.wrap(data, offset, Math.min(chunk, data.length - offset));
            DecodeResult<M> result = decoder.apply(input);
            result.items().forEach(item -> reencoded.writeBytes(PgEncoder.encode(item)));
            consumed = input.position();
            failed = result.failed() || input.hasRemaining();
        }
        byte[] out = reencoded.toByteArray();
        assertThat(out.length).isLessThanOrEqualTo(consumed);
        assertThat(out).isEqualTo(Arrays.copyOf(data, out.length));
    }

    @FuzzTest
    void startupDecoder(byte[] data) {
        StartupDecoder decoder = new StartupDecoder();
        check(data, decoder::feed);
    }

    @FuzzTest
    void frontendDecoderNormalPhase(byte[] data) {
        FrontendDecoder decoder = new FrontendDecoder(LIMITS, FrontendPhase.NORMAL);
        check(data, decoder::feed);
    }

    @FuzzTest
    void frontendDecoderAuthenticationPhases(byte[] data) {
        FrontendPhase[] phases = FrontendPhase.values();
        FrontendDecoder decoder = new FrontendDecoder(LIMITS, phases[data.length % phases.length]);
        check(data, decoder::feed);
    }

    @FuzzTest
    void backendDecoder(byte[] data) {
        BackendDecoder decoder = new BackendDecoder(LIMITS);
        check(data, decoder::feed);
    }

    @FuzzTest
    void parameterRenderer(byte[] data) {
        if (data.length < 3) {
            return;
        }
        int[] oids = {
            16, 17, 19, 20, 21, 23, 25, 26, 114, 700, 701, 1042, 1043, 1082, 1083, 1114, 1184, 1266, 1700, 2950, 3802,
            1186
        };
        int oid = oids[(data[0] & 0xFF) % oids.length];
        short format = (short) (data[1] & 1);
        String rendered = ParameterRenderer.render(oid, format, Arrays.copyOfRange(data, 2, data.length));
        assertThat(rendered).isNotNull();
    }
}
