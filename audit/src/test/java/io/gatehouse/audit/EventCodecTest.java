package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;

class EventCodecTest {

    static Event sample() {
        return Event.builder(EventKind.COMMAND)
                .timeMicros(1_700_000_000_000_000L)
                .session("s1")
                .identity("agent-7")
                .connection("pg")
                .field("sql", Value.of("select 1"))
                .field("params", Value.of(List.of(Value.of(42), Value.ofNull())))
                .build()
                .sequenced("gh.example/log", 3);
    }

    private static final int TRIES = 1000;
    private static final int BYTE_TRIES = 2000;

    private static void forEvents(String name, long seed, ThrowingConsumer<Event> property) {
        Cases.check(name, seed, TRIES, Events.edgeEvents(), Events::sequencedEvent, property);
    }

    @Test
    void decodeOfEncodeIsTheSameEvent() {
        forEvents(
                "decode(encode(e)) == e", 0x5EED_0001L, event -> assertThat(EventCodec.decode(EventCodec.encode(event)))
                        .isEqualTo(event));
    }

    @Test
    void encodingIsDeterministicAcrossRebuiltEvents() {
        forEvents("encoding ignores the order fields were given in", 0x5EED_0002L, event -> {
            byte[] expected = EventCodec.encode(event);
            // Rebuild from maps in UTF-16 order and in reverse order: the encoding must not follow either.
            for (Comparator<String> order :
                    List.of(Comparator.<String>naturalOrder(), Comparator.<String>reverseOrder())) {
                TreeMap<String, Value> fields = new TreeMap<>(order);
                fields.putAll(new HashMap<>(event.fields()));
                Event rebuilt = new Event(
                        event.log(),
                        event.seq(),
                        event.timeMicros(),
                        event.session(),
                        event.identity(),
                        event.connection(),
                        event.kind(),
                        fields);
                assertThat(EventCodec.encode(rebuilt))
                        .as("rebuilt in %s", order)
                        .isEqualTo(expected);
            }
        });
    }

    /** Random byte strings of 0..255 bytes; half start with the version byte so decoding gets past it. */
    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(256)];
        random.nextBytes(bytes);
        if (bytes.length > 0 && random.nextBoolean()) {
            bytes[0] = EventCodec.VERSION;
        }
        return bytes;
    }

    @Test
    void randomBytesOnlyEverFailWithMalformedRecord() {
        List<byte[]> edges = List.of(new byte[0], new byte[] {1}, new byte[] {0}, new byte[] {(byte) 0xff});
        Cases.check(
                "random bytes decode cleanly or fail with MalformedRecordException",
                0x5EED_0003L,
                BYTE_TRIES,
                edges,
                EventCodecTest::randomBytes,
                EventCodecTest::assertDecodeFailsCleanlyOrRoundTrips);
    }

    /** A real encoding with 1..3 bytes overwritten at random positions. */
    private static byte[] mutatedEncoding(Random random) {
        byte[] bytes = EventCodec.encode(Events.sequencedEvent(random));
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    @Test
    void mutatedEncodingsOnlyEverFailWithMalformedRecordOrRoundTrip() {
        // Edge cases: every single-byte change of the smallest event to 0x00, 0xff and length-ish 0x7f.
        byte[] smallest = EventCodec.encode(Events.edgeEvents().get(0));
        List<byte[]> edges = new ArrayList<>();
        for (int at = 0; at < smallest.length; at++) {
            for (int b : new int[] {0x00, 0x7f, 0xff}) {
                byte[] changed = smallest.clone();
                changed[at] = (byte) b;
                edges.add(changed);
            }
        }
        Cases.check(
                "mutated encodings decode cleanly or fail with MalformedRecordException",
                0x5EED_0004L,
                BYTE_TRIES,
                edges,
                EventCodecTest::mutatedEncoding,
                EventCodecTest::assertDecodeFailsCleanlyOrRoundTrips);
    }

    static void assertDecodeFailsCleanlyOrRoundTrips(byte[] bytes) {
        Event decoded;
        try {
            decoded = EventCodec.decode(bytes);
        } catch (MalformedRecordException e) {
            assertThat(e.offset()).isBetween(-1L, (long) bytes.length);
            return;
        }
        // Canonical: whatever decodes re-encodes to exactly the input.
        assertThat(EventCodec.encode(decoded)).isEqualTo(bytes);
    }

    @Test
    void sampleEncodesToTheDocumentedBytes() {
        // The same hex dump is in docs/record-format.md; if this changes, the format changed.
        assertThat(HexFormat.of().formatHex(EventCodec.encode(sample())))
                .isEqualTo("01" + "0000000e" + "67682e6578616d706c652f6c6f67" // log
                        + "0000000000000003" // seq
                        + "00060a24181e4000" // timeMicros
                        + "01" + "00000002" + "7331" // session
                        + "01" + "00000007" + "6167656e742d37" // identity
                        + "01" + "00000002" + "7067" // connection
                        + "00000007" + "636f6d6d616e64" // kind
                        + "00000002" // two fields
                        + "00000006" + "706172616d73" // "params"
                        + "06" + "00000002" + "02" + "000000000000002a" + "05"
                        + "00000003" + "73716c" // "sql"
                        + "01" + "00000008" + "73656c6563742031");
    }

    @Test
    void draftEventsHaveNoEncoding() {
        Event draft = Event.builder(EventKind.ADMIN).build();
        assertThat(draft.log()).isNull();
        assertThat(draft.seq()).isEqualTo(-1);
        assertThatThrownBy(() -> EventCodec.encode(draft))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("draft");
    }

    @Test
    void rejectsUnsortedKeys() {
        byte[] good = EventCodec.encode(Event.builder(EventKind.OUTPUT)
                .field("a", Value.of(1))
                .field("b", Value.of(2))
                .build()
                .sequenced("o", 0));
        byte[] swapped = good.clone();
        // keys are one byte each: "a" at the first key position, "b" at the second; swap them.
        int first = indexOf(good, (byte) 'a', 20);
        int second = indexOf(good, (byte) 'b', first + 1);
        swapped[first] = 'b';
        swapped[second] = 'a';
        assertThatThrownBy(() -> EventCodec.decode(swapped))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("not greater than the previous key");
    }

    @Test
    void rejectsTrailingBytesWrongVersionAndHugeLengths() {
        byte[] good = EventCodec.encode(sample());
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> EventCodec.decode(trailing)).hasMessageContaining("trailing");
        byte[] version = good.clone();
        version[0] = 2;
        assertThatThrownBy(() -> EventCodec.decode(version)).hasMessageContaining("version byte is 2, expected 1");
        byte[] huge = good.clone();
        huge[1] = 0x7f;
        assertThatThrownBy(() -> EventCodec.decode(huge))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("remain");
    }

    @Test
    void nestingBeyondTheLimitIsRejectedOnBothSides() {
        Value deep = Value.of(1);
        for (int i = 0; i < EventCodec.MAX_DEPTH; i++) {
            deep = Value.of(List.of(deep));
        }
        Event ok = Event.builder(EventKind.ADMIN).field("d", deep).build().sequenced("o", 0);
        assertThat(EventCodec.encode(ok)).isNotEmpty();
        Event tooDeep = Event.builder(EventKind.ADMIN)
                .field("d", Value.of(List.of(deep)))
                .build()
                .sequenced("o", 0);
        assertThatThrownBy(() -> EventCodec.encode(tooDeep)).hasMessageContaining("nested 33 deep");
        // Hand-build the over-deep bytes: header of ok, then one more list level.
        byte[] okBytes = EventCodec.encode(ok);
        // header + field count, then key "d" (4-byte length + 1 byte): the value starts after that.
        int valueStart =
                EventCodec.encode(Event.builder(EventKind.ADMIN).build().sequenced("o", 0)).length + 5;
        List<Byte> bytes = new ArrayList<>();
        for (int i = 0; i < valueStart; i++) {
            bytes.add(okBytes[i]);
        }
        for (byte b : new byte[] {6, 0, 0, 0, 1}) {
            bytes.add(b);
        }
        for (int i = valueStart; i < okBytes.length; i++) {
            bytes.add(okBytes[i]);
        }
        byte[] deeper = new byte[bytes.size()];
        for (int i = 0; i < deeper.length; i++) {
            deeper[i] = bytes.get(i);
        }
        assertThatThrownBy(() -> EventCodec.decode(deeper))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("nested deeper than 32");
    }

    @Test
    void fieldsAreImmutableAndBytesCopied() {
        byte[] raw = {1, 2, 3};
        Event event = Event.builder(EventKind.OUTPUT).field("b", Value.of(raw)).build();
        raw[0] = 9;
        assertThat(event.field("b")).isEqualTo(Value.of(new byte[] {1, 2, 3}));
        assertThatThrownBy(() -> event.fields().put("x", Value.of(1)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void keysSortByUtf8BytesNotUtf16() {
        // U+FF21 (3 UTF-8 bytes, EF BC A1) sorts before U+1F600 (F0 9F 98 80) in UTF-8 order,
        // but after it in UTF-16 order (0xFF21 > 0xD83D).
        Event event = Event.builder(EventKind.OUTPUT)
                .field("\uD83D\uDE00", Value.of(1))
                .field("\uFF21", Value.of(2))
                .build();
        assertThat(event.fields().firstKey()).isEqualTo("\uFF21");
    }

    @Test
    void eventKindsParseByWireName() {
        for (EventKind kind : EventKind.values()) {
            assertThat(EventKind.parse(kind.wireName())).isEqualTo(kind);
        }
        assertThat(EventKind.COMMAND_RESULT.wireName()).isEqualTo("command.result");
        assertThatThrownBy(() -> EventKind.parse("COMMAND")).hasMessageContaining("unknown event kind 'COMMAND'");
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new AssertionError("byte " + b + " not found");
    }

    @Test
    void encodingForALogAndPlacingThePositionLaterGivesTheCanonicalBytes() {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 200; i++) {
            Event draft = Events.sequencedEvent(random);
            String log = i % 2 == 0 ? "gatehouse/gw-1" : "логи/ü" + i;
            long seq = i == 0 ? 0 : i == 1 ? Long.MAX_VALUE : random.nextLong(0, Long.MAX_VALUE);
            byte[] bytes = EventCodec.encodeForLog(unsequenced(draft), log);
            EventCodec.placeAt(bytes, EventCodec.seqOffset(log), seq);
            assertThat(bytes)
                    .as("case %d", i)
                    .isEqualTo(EventCodec.encode(unsequenced(draft).sequenced(log, seq)));
        }
    }

    private static Event unsequenced(Event e) {
        Event.Builder b = Event.builder(e.kind())
                .timeMicros(e.timeMicros())
                .session(e.session())
                .identity(e.identity())
                .connection(e.connection());
        e.fields().forEach(b::field);
        return b.build();
    }
}
