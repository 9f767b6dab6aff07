package io.gatehouse.cli;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.Value;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Collectors;

/** One event as one terminal line: index, local time, kind, identity, connection, then its fields. */
final class EventLine {
    private static final int MAX_TEXT = 200;

    private EventLine() {}

    static String of(long index, Event e) {
        Instant time = Instant.ofEpochSecond(e.timeMicros() / 1_000_000, (e.timeMicros() % 1_000_000) * 1000);
        String fields = e.fields().entrySet().stream()
                .map(f -> f.getKey() + "=" + render(f.getValue()))
                .collect(Collectors.joining(" "));
        return "#" + index + " " + Times.local(time.toString()) + " " + e.kind().wireName() + " "
                + (e.identity() == null ? "-" : e.identity()) + "@" + (e.connection() == null ? "-" : e.connection())
                + (fields.isEmpty() ? "" : " " + fields);
    }

    static String render(Value v) {
        return switch (v) {
            case Value.Str s -> quote(s.value());
            case Value.Int i -> Long.toString(i.value());
            case Value.Bool b -> Boolean.toString(b.value());
            case Value.Null n -> "null";
            case Value.Bytes b -> "\\\\x" + HexFormat.of().formatHex(b.value());
            case Value.List l -> l.values().stream().map(EventLine::render).collect(Collectors.joining(", ", "[", "]"));
            case Value.Map m ->
                m.values().entrySet().stream()
                        .map((Map.Entry<String, Value> f) -> f.getKey() + ": " + render(f.getValue()))
                        .collect(Collectors.joining(", ", "{", "}"));
        };
    }

    private static String quote(String s) {
        String shown = s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT - 1) + "…" : s;
        return "'" + shown.replace("\n", "\\n").replace("'", "\\'") + "'";
    }
}
