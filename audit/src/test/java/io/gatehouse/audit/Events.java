package io.gatehouse.audit;

import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators for events and values, shared by codec and verifier tests. */
public final class Events {
    private Events() {}

    public static Arbitrary<String> text() {
        // all(): any Unicode incl. supplementary planes and U+E000.., which exercise the UTF-8 key order.
        return Arbitraries.strings().all().ofMaxLength(12).filter(Events::wellFormed);
    }

    private static boolean wellFormed(String s) {
        try {
            io.gatehouse.audit.internal.Text.requireWellFormed(s, "s");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static Arbitrary<Value> values(int depth) {
        Arbitrary<Value> leaves = Arbitraries.oneOf(
                text().map(Value::of),
                Arbitraries.longs().map(Value::of),
                Arbitraries.of(true, false).map(Value::of),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(8).map(Value::of),
                Arbitraries.just(Value.ofNull()));
        if (depth <= 0) {
            return leaves;
        }
        Arbitrary<Value> nested = Arbitraries.lazy(() -> values(depth - 1));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, leaves),
                net.jqwik.api.Tuple.of(1, nested.list().ofMaxSize(3).map(Value::of)),
                net.jqwik.api.Tuple.of(
                        1, Arbitraries.maps(text(), nested).ofMaxSize(3).map(m -> Value.of((Map<String, Value>) m))));
    }

    public static Arbitrary<Event> sequencedEvents() {
        Arbitrary<String> nullableText = text().injectNull(0.3);
        Arbitrary<TreeMap<String, Value>> fields =
                Arbitraries.maps(text(), values(3)).ofMaxSize(5).map(TreeMap::new);
        return Combinators.combine(
                        text().filter(s -> !s.isEmpty()),
                        Arbitraries.longs().greaterOrEqual(0),
                        Arbitraries.longs(),
                        nullableText,
                        nullableText,
                        nullableText,
                        Arbitraries.of(EventKind.class),
                        fields)
                .as(Event::new);
    }
}
