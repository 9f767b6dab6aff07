package io.gatehouse.audit;

import io.gatehouse.audit.internal.ByteReader;
import io.gatehouse.audit.internal.Text;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The canonical byte encoding of a sequenced {@link Event}: the bytes that are hashed into the Merkle log, so every
 * verifier must reproduce them exactly. docs/record-format.md is the normative description; in short:
 *
 * <pre>
 * u8 version (= 1) | str log | u64 seq | i64 timeMicros | opt session | opt identity | opt connection
 * | str kind | u32 n, then n × (str key, value) with keys strictly increasing by UTF-8 bytes
 * </pre>
 *
 * Integers are fixed-width big-endian; {@code str} is a u32 byte length and strict UTF-8; {@code opt} is 0x00 for
 * absent or 0x01 followed by a {@code str}; each value starts with a tag byte ({@link #TAG_STR} ...).
 *
 * <p>Canonical means one event has exactly one encoding: the decoder rejects everything the encoder would not
 * produce (unsorted or duplicate keys, booleans other than 0/1, overlong UTF-8, trailing bytes, nesting deeper than
 * {@link #MAX_DEPTH}), so decode(b) succeeds only if encode(decode(b)) equals b.
 */
public final class EventCodec {
    public static final int VERSION = 1;
    /** Maximum nesting of list/map values; the top-level field map is depth 0, a list in it depth 1. */
    public static final int MAX_DEPTH = 32;

    public static final int TAG_STR = 0x01;
    public static final int TAG_INT = 0x02;
    public static final int TAG_BOOL = 0x03;
    public static final int TAG_BYTES = 0x04;
    public static final int TAG_NULL = 0x05;
    public static final int TAG_LIST = 0x06;
    public static final int TAG_MAP = 0x07;

    /** Smallest encoding of one map entry: empty key (4-byte length) plus a one-byte value. */
    private static final int MIN_ENTRY_BYTES = 5;

    private EventCodec() {}

    /** The canonical bytes of a sequenced event; throws {@link IllegalArgumentException} for a draft. */
    public static byte[] encode(Event event) {
        if (!event.isSequenced()) {
            throw new IllegalArgumentException(
                    "only a sequenced event has a canonical encoding; got a draft (log null, seq -1) of kind "
                            + event.kind());
        }
        return encode(event, event.log(), event.seq());
    }

    private static byte[] encode(Event event, String log, long seq) {
        Out out = new Out();
        out.write(VERSION);
        out.str(log);
        out.u64(seq);
        out.u64(event.timeMicros());
        out.optional(event.session());
        out.optional(event.identity());
        out.optional(event.connection());
        out.str(event.kind().wireName());
        out.map(event.fields(), 0);
        return out.toByteArray();
    }

    /**
     * The canonical bytes {@code draft} will have in log {@code log}, with its position left as zero for
     * {@link #placeAt}. The position is the only thing a single log writer must decide; encoding everything
     * else here lets many producers do that work in parallel ({@code encode(draft.sequenced(log, seq))} is
     * exactly {@code placeAt(encodeForLog(draft, log), seqOffset(log), seq)}).
     */
    public static byte[] encodeForLog(Event draft, String log) {
        // Same bytes as encode(draft.sequenced(log, 0)) without copying the fields: only log is new, so only
        // it is checked here.
        Objects.requireNonNull(log, "log");
        if (log.isEmpty()) {
            throw new IllegalArgumentException("log origin must not be empty");
        }
        Text.requireWellFormed(log, "log");
        return encode(draft, log, 0);
    }

    /** Where the 8-byte big-endian position starts in an encoding for {@code log}: after version and log name. */
    public static int seqOffset(String log) {
        return 1 + 4 + log.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Writes {@code seq} into bytes made by {@link #encodeForLog} for a log whose {@link #seqOffset} is given. */
    public static void placeAt(byte[] encoded, int seqOffset, long seq) {
        if (seq < 0) {
            throw new IllegalArgumentException("a position is never negative, got " + seq);
        }
        for (int i = 0; i < 8; i++) {
            encoded[seqOffset + i] = (byte) (seq >>> (56 - 8 * i));
        }
    }

    /** Decodes canonical bytes; any other input gives {@link MalformedRecordException}, never another exception. */
    public static Event decode(byte[] bytes) throws MalformedRecordException {
        if (bytes == null) {
            throw new MalformedRecordException(-1, "no bytes (null)");
        }
        ByteReader in = new ByteReader(bytes);
        int version = in.u8("version");
        if (version != VERSION) {
            throw new MalformedRecordException(0, "version byte is " + version + ", expected " + VERSION);
        }
        String log = in.str("log");
        if (log.isEmpty()) {
            throw new MalformedRecordException(1, "log origin is empty, expected a non-empty origin");
        }
        int seqOffset = in.offset();
        long seq = in.i64("seq");
        if (seq < 0) {
            throw new MalformedRecordException(seqOffset, "seq " + Long.toUnsignedString(seq) + " exceeds 2^63-1");
        }
        long timeMicros = in.i64("timeMicros");
        String session = optional(in, "session");
        String identity = optional(in, "identity");
        String connection = optional(in, "connection");
        int kindOffset = in.offset();
        String kindName = in.str("kind");
        EventKind kind;
        try {
            kind = EventKind.parse(kindName);
        } catch (IllegalArgumentException e) {
            throw new MalformedRecordException(kindOffset, e.getMessage(), e);
        }
        SortedMap<String, Value> fields = map(in, 0);
        if (in.remaining() != 0) {
            throw new MalformedRecordException(
                    in.offset(), in.remaining() + " trailing bytes after the fields, expected end of record");
        }
        try {
            return new Event(log, seq, timeMicros, session, identity, connection, kind, fields);
        } catch (IllegalArgumentException e) {
            // Unreachable for strictly decoded UTF-8, kept so that the only failure is MalformedRecordException.
            throw new MalformedRecordException(-1, e.getMessage(), e);
        }
    }

    private static String optional(ByteReader in, String what) throws MalformedRecordException {
        int offset = in.offset();
        int presence = in.u8(what + " presence");
        return switch (presence) {
            case 0 -> null;
            case 1 -> in.str(what);
            default ->
                throw new MalformedRecordException(
                        offset, what + " presence byte is " + presence + ", expected 0 (absent) or 1 (present)");
        };
    }

    private static SortedMap<String, Value> map(ByteReader in, int depth) throws MalformedRecordException {
        int count = in.count("map entry count", MIN_ENTRY_BYTES);
        TreeMap<String, Value> map = new TreeMap<>(Value.KEY_ORDER);
        byte[] previous = null;
        for (int i = 0; i < count; i++) {
            int keyOffset = in.offset();
            byte[] key = in.strBytes("map key");
            if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
                throw new MalformedRecordException(
                        keyOffset, "map key #" + i + " is not greater than the previous key in UTF-8 byte order");
            }
            previous = key;
            map.put(in.utf8(key, keyOffset, "map key"), value(in, depth));
        }
        return map;
    }

    private static Value value(ByteReader in, int depth) throws MalformedRecordException {
        int tagOffset = in.offset();
        int tag = in.u8("value tag");
        switch (tag) {
            case TAG_STR:
                return new Value.Str(in.str("string value"));
            case TAG_INT:
                return new Value.Int(in.i64("integer value"));
            case TAG_BOOL:
                int b = in.u8("boolean value");
                if (b > 1) {
                    throw new MalformedRecordException(tagOffset + 1, "boolean byte is " + b + ", expected 0 or 1");
                }
                return new Value.Bool(b == 1);
            case TAG_BYTES:
                return new Value.Bytes(in.bytes(in.count("bytes length", 1), "bytes value"));
            case TAG_NULL:
                return new Value.Null();
            case TAG_LIST:
            case TAG_MAP:
                if (depth + 1 > MAX_DEPTH) {
                    throw new MalformedRecordException(tagOffset, "values nested deeper than " + MAX_DEPTH);
                }
                if (tag == TAG_MAP) {
                    return new Value.Map(map(in, depth + 1));
                }
                int count = in.count("list length", 1);
                ArrayList<Value> values = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    values.add(value(in, depth + 1));
                }
                return new Value.List(values);
            default:
                throw new MalformedRecordException(
                        tagOffset, "unknown value tag 0x" + Integer.toHexString(tag) + ", expected 0x01..0x07");
        }
    }

    /**
     * Growable output with the format's primitives. Not a ByteArrayOutputStream: its synchronized per-byte
     * writes showed in profiles of the gateway's hot path.
     */
    private static final class Out {
        private byte[] buf = new byte[512]; // a recorded statement is typically 300-500 bytes: one allocation
        private int count;

        private void ensure(int more) {
            if (count + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
            }
        }

        void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        void u32(int value) {
            ensure(4);
            buf[count++] = (byte) (value >>> 24);
            buf[count++] = (byte) (value >>> 16);
            buf[count++] = (byte) (value >>> 8);
            buf[count++] = (byte) value;
        }

        void u64(long value) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[count++] = (byte) (value >>> shift);
            }
        }

        void str(String value) {
            bytes(value.getBytes(StandardCharsets.UTF_8));
        }

        void bytes(byte[] value) {
            u32(value.length);
            ensure(value.length);
            System.arraycopy(value, 0, buf, count, value.length);
            count += value.length;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }

        void optional(String value) {
            if (value == null) {
                write(0);
            } else {
                write(1);
                str(value);
            }
        }

        void map(SortedMap<String, Value> map, int depth) {
            // The map's comparator is Value.KEY_ORDER (enforced by Event and Value.Map), i.e. UTF-8 byte order.
            u32(map.size());
            for (Map.Entry<String, Value> entry : map.entrySet()) {
                str(entry.getKey());
                value(entry.getValue(), depth);
            }
        }

        void value(Value value, int depth) {
            switch (value) {
                case Value.Str s -> {
                    write(TAG_STR);
                    str(s.value());
                }
                case Value.Int i -> {
                    write(TAG_INT);
                    u64(i.value());
                }
                case Value.Bool b -> {
                    write(TAG_BOOL);
                    write(b.value() ? 1 : 0);
                }
                case Value.Bytes b -> {
                    write(TAG_BYTES);
                    bytes(b.value());
                }
                case Value.Null n -> write(TAG_NULL);
                case Value.List list -> {
                    checkDepth(depth + 1);
                    write(TAG_LIST);
                    u32(list.values().size());
                    for (Value element : list.values()) {
                        value(element, depth + 1);
                    }
                }
                case Value.Map map -> {
                    checkDepth(depth + 1);
                    write(TAG_MAP);
                    map(map.values(), depth + 1);
                }
            }
        }

        private static void checkDepth(int depth) {
            if (depth > MAX_DEPTH) {
                throw new IllegalArgumentException("event values nested " + depth + " deep, at most " + MAX_DEPTH
                        + " allowed (the decoder would reject the record)");
            }
        }
    }
}
