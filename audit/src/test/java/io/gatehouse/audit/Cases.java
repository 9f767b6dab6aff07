package io.gatehouse.audit;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * Seeded property checks in plain JUnit: the edge cases first, then {@code tries} random inputs, each drawn from its
 * own {@link Random} whose seed is derived from the property's fixed seed. A failure names the property, the case
 * seed and the input, and keeps the original failure as its cause. To replay one case, run the test with
 * {@code -Dgatehouse.caseSeed=<seed from the message>}: then only that random case runs.
 */
public final class Cases {
    public static final String CASE_SEED_PROPERTY = "gatehouse.caseSeed";

    private Cases() {}

    /** Checks {@code property} on every edge case and on {@code tries} inputs made by {@code generator}. */
    public static <T> void check(
            String name,
            long seed,
            int tries,
            List<T> edges,
            Function<Random, T> generator,
            ThrowingConsumer<? super T> property) {
        String replay = System.getProperty(CASE_SEED_PROPERTY);
        if (replay != null && !replay.isBlank()) {
            long caseSeed = Long.decode(replay);
            run(name, "replayed case, seed " + hex(caseSeed), generator.apply(new Random(caseSeed)), property);
            return;
        }
        for (int i = 0; i < edges.size(); i++) {
            run(name, "edge case #" + i, edges.get(i), property);
        }
        Random seeds = new Random(seed);
        for (int i = 0; i < tries; i++) {
            long caseSeed = seeds.nextLong();
            run(
                    name,
                    "random case #" + i + " of property seed " + hex(seed) + ", case seed " + hex(caseSeed)
                            + " (replay with -D" + CASE_SEED_PROPERTY + "=" + hex(caseSeed) + ")",
                    generator.apply(new Random(caseSeed)),
                    property);
        }
    }

    private static <T> void run(String name, String which, T input, ThrowingConsumer<? super T> property) {
        try {
            property.accept(input);
        } catch (Throwable failure) {
            throw new AssertionError(
                    name + " failed for " + which + "\ninput: " + describe(input) + "\nfailure: " + failure, failure);
        }
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    /** A readable, unambiguous rendering: byte arrays in hex, strings with non-ASCII escaped. */
    public static String describe(Object input) {
        if (input instanceof byte[] bytes) {
            return bytes.length + " bytes: " + HexFormat.of().formatHex(bytes);
        }
        if (input instanceof String s) {
            return "\"" + escape(s) + "\" (" + s.length() + " chars)";
        }
        return escape(String.valueOf(input));
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                out.append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else {
                out.append(String.format("\\u%04X", (int) c));
            }
        }
        return out.toString();
    }
}
