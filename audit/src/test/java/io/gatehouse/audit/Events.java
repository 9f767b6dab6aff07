package io.gatehouse.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Seeded generators for events and values, shared by codec and verifier tests, and hand-picked edge events. */
public final class Events {
    private Events() {}

    public static final int MAX_TEXT_CHARS = 12;

    private static final long[] EDGE_LONGS = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE, 255, 256};

    /**
     * Well-formed text of at most {@link #MAX_TEXT_CHARS} UTF-16 chars, mixing ASCII (controls and NUL included), two-
     * and three-byte UTF-8, U+E000..U+FFFF and supplementary characters (surrogate pairs): the ranges where UTF-8 byte
     * order and UTF-16 order disagree.
     */
    public static String text(Random random) {
        int pick = random.nextInt(10);
        if (pick == 0) {
            return "";
        }
        int limit = pick == 1 ? MAX_TEXT_CHARS : 1 + random.nextInt(MAX_TEXT_CHARS);
        StringBuilder out = new StringBuilder();
        while (true) {
            int cp = codePoint(random);
            if (out.length() + Character.charCount(cp) > limit) {
                return out.toString();
            }
            out.appendCodePoint(cp);
        }
    }

    private static int codePoint(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> random.nextInt(0x80); // ASCII incl. controls and NUL
            case 1 -> 'a' + random.nextInt(3); // few letters, so keys collide and share prefixes
            case 2 -> 0x80 + random.nextInt(0x800 - 0x80); // two UTF-8 bytes
            case 3 -> 0x800 + random.nextInt(0xD800 - 0x800); // three bytes, below the surrogates
            case 4 -> 0xE000 + random.nextInt(0x10000 - 0xE000); // three bytes, above them (sorts before supplementary)
            default -> 0x10000 + random.nextInt(0x110000 - 0x10000); // four bytes, a surrogate pair in UTF-16
        };
    }

    public static long anyLong(Random random) {
        return random.nextInt(5) == 0 ? EDGE_LONGS[random.nextInt(EDGE_LONGS.length)] : random.nextLong();
    }

    private static byte[] bytes(Random random) {
        byte[] bytes = new byte[random.nextInt(9)];
        random.nextBytes(bytes);
        return bytes;
    }

    public static Value leaf(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> Value.of(text(random));
            case 1 -> Value.of(anyLong(random));
            case 2 -> Value.of(random.nextBoolean());
            case 3 -> Value.of(bytes(random));
            default -> Value.ofNull();
        };
    }

    /** A value nested at most {@code depth} levels below a leaf: 6 in 8 leaves, 1 in 8 lists, 1 in 8 maps. */
    public static Value value(Random random, int depth) {
        int pick = depth <= 0 ? 0 : random.nextInt(8);
        if (pick < 6) {
            return leaf(random);
        }
        int size = random.nextInt(4);
        if (pick == 6) {
            List<Value> list = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                list.add(value(random, depth - 1));
            }
            return Value.of(list);
        }
        return Value.of(map(random, size, depth - 1));
    }

    private static Map<String, Value> map(Random random, int maxSize, int depth) {
        Map<String, Value> map = new TreeMap<>(Value.KEY_ORDER);
        for (int i = 0; i < maxSize; i++) {
            map.put(text(random), value(random, depth));
        }
        return map;
    }

    private static String nullableText(Random random) {
        return random.nextInt(10) < 3 ? null : text(random);
    }

    /** A sequenced event: any origin, seq and time, optional session/identity/connection, up to 5 fields. */
    public static Event sequencedEvent(Random random) {
        String log = text(random);
        while (log.isEmpty()) {
            log = text(random);
        }
        long seq = anyLong(random) & Long.MAX_VALUE;
        EventKind[] kinds = EventKind.values();
        return new Event(
                log,
                seq,
                anyLong(random),
                nullableText(random),
                nullableText(random),
                nullableText(random),
                kinds[random.nextInt(kinds.length)],
                new TreeMap<>(map(random, random.nextInt(6), 3)));
    }

    /** Boundary events every codec property must also hold for. */
    public static List<Event> edgeEvents() {
        List<Event> edges = new ArrayList<>();
        // Smallest: one-char origin, no optionals, no fields.
        edges.add(new Event("o", 0, 0, null, null, null, EventKind.ADMIN, new TreeMap<>()));
        // Largest integers, empty (present) optionals, empty key and empty containers.
        TreeMap<String, Value> empties = new TreeMap<>(Value.KEY_ORDER);
        empties.put("", Value.of(""));
        empties.put("b", Value.of(new byte[0]));
        empties.put("l", Value.of(List.of()));
        empties.put("m", Value.of(Map.of()));
        empties.put("n", Value.ofNull());
        empties.put("min", Value.of(Long.MIN_VALUE));
        empties.put("max", Value.of(Long.MAX_VALUE));
        empties.put("t", Value.of(true));
        empties.put("f", Value.of(false));
        edges.add(new Event("o", Long.MAX_VALUE, Long.MIN_VALUE, "", "", "", EventKind.OUTPUT, empties));
        // Keys whose UTF-8 order differs from UTF-16 order; supplementary characters in every string slot.
        String smile = "\uD83D\uDE00";
        TreeMap<String, Value> unicode = new TreeMap<>(Value.KEY_ORDER);
        unicode.put(smile, Value.of(smile));
        unicode.put("\uFF21", Value.of(Map.of("\uDBFF\uDFFF", Value.of(1), "\uFFFF", Value.of(2))));
        unicode.put("\u0000", Value.of("\u0000\u007f\u0080\u07ff\u0800\uFFFD"));
        edges.add(new Event(smile + "/log", 7, -1, smile, "\uDBFF\uDFFF", "\u00e9", EventKind.COMMAND_RESULT, unicode));
        // Nesting at the decoder's limit, as lists and as maps.
        Value list = Value.of(1);
        Value map = Value.of(2);
        for (int i = 0; i < EventCodec.MAX_DEPTH; i++) {
            list = Value.of(List.of(list));
            map = Value.of(Map.of("k", map));
        }
        TreeMap<String, Value> deep = new TreeMap<>(Value.KEY_ORDER);
        deep.put("list", list);
        deep.put("map", map);
        edges.add(new Event("deep", 1, 1, null, "x", null, EventKind.SESSION_START, deep));
        return edges;
    }
}
