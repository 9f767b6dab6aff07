package io.gatehouse.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventCodec;
import io.gatehouse.audit.MalformedRecordException;
import io.gatehouse.audit.Value;
import io.gatehouse.store.LogEntry;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/** Events of the log decoded to JSON for the API, each with its integrity status. */
final class EventJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private EventJson() {}

    static ObjectNode of(String origin, LogEntry entry, Optional<Integrity.Covered> covered) {
        Event event = decode(origin, entry);
        ObjectNode n = Json.object();
        n.put("index", entry.index());
        n.put("kind", event.kind().wireName());
        n.put("time", time(event.timeMicros()));
        n.put("timeMicros", event.timeMicros());
        n.put("session", event.session());
        n.put("identity", event.identity());
        n.put("connection", event.connection());
        ObjectNode fields = n.putObject("fields");
        for (Map.Entry<String, Value> field : event.fields().entrySet()) {
            fields.set(field.getKey(), value(field.getValue()));
        }
        n.set("integrity", Integrity.event(covered, entry.index()));
        return n;
    }

    static Event decode(String origin, LogEntry entry) {
        try {
            return EventCodec.decode(entry.entry());
        } catch (MalformedRecordException damaged) {
            throw new IllegalStateException(
                    "event " + entry.index() + " of log '" + origin + "' does not decode; run `gatehouse audit verify`",
                    damaged);
        }
    }

    static String time(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L)
                .toString();
    }

    static JsonNode value(Value value) {
        return switch (value) {
            case Value.Str s -> NODES.textNode(s.value());
            case Value.Int i -> NODES.numberNode(i.value());
            case Value.Bool b -> NODES.booleanNode(b.value());
            case Value.Null ignored -> NODES.nullNode();
            case Value.Bytes b ->
                NODES.objectNode().put("base64", Base64.getEncoder().encodeToString(b.value()));
            case Value.List l -> {
                ArrayNode array = NODES.arrayNode();
                l.values().forEach(v -> array.add(value(v)));
                yield array;
            }
            case Value.Map m -> {
                ObjectNode object = NODES.objectNode();
                m.values().forEach((k, v) -> object.set(k, value(v)));
                yield object;
            }
        };
    }
}
