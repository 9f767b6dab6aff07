package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * EventCodec.decode on arbitrary bytes: the only allowed outcomes are an event whose canonical encoding is exactly
 * the input, or {@link MalformedRecordException}. Seeds: EventCodecFuzzTestInputs/decode (see FuzzSeeds).
 */
class EventCodecFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void decode(byte[] bytes) {
        Event event;
        try {
            event = EventCodec.decode(bytes);
        } catch (MalformedRecordException e) {
            assertThat(e.offset()).isBetween(-1L, (long) bytes.length);
            return;
        }
        assertThat(EventCodec.encode(event)).isEqualTo(bytes);
    }
}
