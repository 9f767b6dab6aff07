package io.gatehouse.audit;

import io.gatehouse.audit.internal.Text;
import java.util.Arrays;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A kind-specific field value of an {@link Event}. Deliberately no floating point: the canonical encoding must give
 * every verifier the same bytes, and decimal/binary float conversions are where implementations disagree. Values are
 * immutable; {@code Bytes} copies its array in and out, containers copy their elements.
 */
public sealed interface Value {

    record Str(String value) implements Value {
        public Str {
            Objects.requireNonNull(value, "value");
            Text.requireWellFormed(value, "string value");
        }
    }

    record Int(long value) implements Value {}

    record Bool(boolean value) implements Value {}

    /** Raw bytes (e.g. binary query parameters). Equality is by content. */
    record Bytes(byte[] value) implements Value {
        public Bytes {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        /** Length without copying. */
        public int length() {
            return value.length;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Bytes bytes && Arrays.equals(value, bytes.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Bytes[" + java.util.HexFormat.of().formatHex(value) + "]";
        }
    }

    /** An explicit absence, e.g. a NULL SQL parameter. */
    record Null() implements Value {}

    record List(java.util.List<Value> values) implements Value {
        public List {
            values = java.util.List.copyOf(values);
        }
    }

    /** A nested map; keys sorted by their UTF-8 bytes ({@link #KEY_ORDER}), as the encoding requires. */
    record Map(SortedMap<String, Value> values) implements Value {
        public Map {
            values = sortedCopy(values, "map key");
        }
    }

    /** Order of map keys: by UTF-8 bytes, i.e. code point order. */
    java.util.Comparator<String> KEY_ORDER = Text.UTF8_ORDER;

    static Value of(String value) {
        return new Str(value);
    }

    static Value of(long value) {
        return new Int(value);
    }

    static Value of(boolean value) {
        return new Bool(value);
    }

    static Value of(byte[] value) {
        return new Bytes(value);
    }

    static Value of(java.util.List<Value> values) {
        return new List(values);
    }

    static Value of(java.util.Map<String, Value> values) {
        return new Map(sortedCopy(values, "map key"));
    }

    static Value ofNull() {
        return new Null();
    }

    /** {@code Str} for a non-null string, {@code Null} otherwise. */
    static Value ofNullable(String value) {
        return value == null ? new Null() : new Str(value);
    }

    /** An unmodifiable copy sorted by {@link #KEY_ORDER}; rejects null keys/values and malformed keys. */
    static SortedMap<String, Value> sortedCopy(java.util.Map<String, Value> values, String what) {
        if (values instanceof SortedMap<String, Value> sorted && sorted.comparator() == KEY_ORDER) {
            // Already in KEY_ORDER (an Event.Builder's map, or a copy made here): copied in one linear pass
            // (TreeMap's sorted-map constructor) instead of one comparison-driven insert per key.
            for (java.util.Map.Entry<String, Value> entry : sorted.entrySet()) {
                String key = Objects.requireNonNull(entry.getKey(), what);
                Text.requireWellFormed(key, what);
                Objects.requireNonNull(entry.getValue(), () -> "value of " + what + " '" + key + "'");
            }
            return Collections.unmodifiableSortedMap(new TreeMap<>(sorted));
        }
        TreeMap<String, Value> copy = new TreeMap<>(KEY_ORDER);
        for (java.util.Map.Entry<String, Value> entry : values.entrySet()) {
            String key = Objects.requireNonNull(entry.getKey(), what);
            Text.requireWellFormed(key, what);
            copy.put(key, Objects.requireNonNull(entry.getValue(), () -> "value of " + what + " '" + key + "'"));
        }
        return Collections.unmodifiableSortedMap(copy);
    }
}
