package io.gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

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

    @Provide
    Arbitrary<Event> events() {
        return Events.sequencedEvents();
    }

    @Property(tries = 500)
    void decodeOfEncodeIsTheSameEvent(@ForAll("events") Event event) throws Exception {
        assertThat(EventCodec.decode(EventCodec.encode(event))).isEqualTo(event);
    }

    @Property(tries = 500)
    void encodingIsDeterministicAcrossRebuiltEvents(@ForAll("events") Event event) {
        Event rebuilt = new Event(
                event.log(),
                event.seq(),
                event.timeMicros(),
                event.session(),
                event.identity(),
                event.connection(),
                event.kind(),
                new java.util.HashMap<String, Value>(event.fields())
                        .entrySet().stream()
                                .collect(java.util.stream.Collectors.toMap(
                                        Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, java.util.TreeMap::new)));
        assertThat(EventCodec.encode(rebuilt)).isEqualTo(EventCodec.encode(event));
    }

    @Property(tries = 2000)
    void randomBytesOnlyEverFailWithMalformedRecord(@ForAll byte[] bytes) {
        assertDecodeFailsCleanlyOrRoundTrips(bytes);
    }

    @Property(tries = 2000)
    void mutatedEncodingsOnlyEverFailWithMalformedRecordOrRoundTrip(
            @ForAll("events") Event event, @ForAll("mutations") List<int[]> mutations) {
        byte[] bytes = EventCodec.encode(event);
        for (int[] m : mutations) {
            if (bytes.length > 0) {
                bytes[Math.floorMod(m[0], bytes.length)] = (byte) m[1];
            }
        }
        assertDecodeFailsCleanlyOrRoundTrips(bytes);
    }

    @Provide
    Arbitrary<List<int[]>> mutations() {
        return Arbitraries.integers()
                .tuple2()
                .map(t -> new int[] {t.get1(), t.get2()})
                .list()
                .ofMinSize(1)
                .ofMaxSize(3);
    }

    private static void assertDecodeFailsCleanlyOrRoundTrips(byte[] bytes) {
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
}
