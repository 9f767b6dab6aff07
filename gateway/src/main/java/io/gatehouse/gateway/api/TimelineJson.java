package io.gatehouse.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.audit.Event;
import io.gatehouse.gateway.admin.InvalidRequestException;
import io.gatehouse.store.CommandRecord;
import io.gatehouse.store.LogEntry;
import io.gatehouse.store.LogRepository;
import io.gatehouse.store.SessionRepository;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One page of a connection's timeline: each command (decoded from the log, not from the index) with its
 * outcome from its command.result event, and the cursor of the next page ({@code time.log.index}).
 */
final class TimelineJson {
    /** The fields of a command.result, as a command event that carries its own outcome names them too. */
    static final Set<String> OUTCOME_FIELDS = Set.of(
            "status",
            "tag",
            "tags",
            "rows",
            "sqlstate",
            "error",
            "duration_micros",
            "fetches",
            "preview",
            "preview_truncated",
            "copy_bytes",
            "note");

    private final LogRepository log;
    private final Integrity integrity;

    TimelineJson(LogRepository log, Integrity integrity) {
        this.log = log;
        this.integrity = integrity;
    }

    ObjectNode page(List<CommandRecord> commands, int limit) {
        ArrayNode items = Json.MAPPER.createArrayNode();
        Function<String, Optional<Integrity.Covered>> covered = integrity.forOneRequest();
        for (CommandRecord c : commands) {
            items.add(command(c, covered.apply(c.origin())));
        }
        ObjectNode n = Json.object();
        n.set("commands", items);
        if (commands.size() == limit) {
            SessionRepository.Cursor last = commands.get(commands.size() - 1).position();
            n.put("nextCursor", last.timeMicros() + "." + last.logId() + "." + last.index());
        } else {
            n.putNull("nextCursor");
        }
        return n;
    }

    private ObjectNode command(CommandRecord c, Optional<Integrity.Covered> covered) {
        LogEntry commandEntry = entry(c.origin(), c.index());
        ObjectNode n = EventJson.of(c.origin(), commandEntry, covered);
        if (c.resultIndex() == null) {
            n.putNull("result");
            return n;
        }
        // The outcome is a later command.result, or (best-effort connections) inside the command event itself.
        boolean inside = c.resultIndex() == c.index();
        LogEntry result = inside ? commandEntry : entry(c.origin(), c.resultIndex());
        Event decoded = EventJson.decode(c.origin(), result);
        ObjectNode outcome = n.putObject("result");
        outcome.put("index", result.index());
        outcome.put("time", EventJson.time(decoded.timeMicros()));
        decoded.fields().forEach((k, v) -> {
            if (!inside || OUTCOME_FIELDS.contains(k)) {
                outcome.set(k, EventJson.value(v));
            }
        });
        outcome.set("integrity", Integrity.event(covered, result.index()));
        return n;
    }

    private LogEntry entry(String origin, long index) {
        List<LogEntry> read = log.read(origin, index, 1);
        if (read.isEmpty() || read.get(0).index() != index) {
            throw new IllegalStateException("log '" + origin + "' has no event " + index + " the index names");
        }
        return read.get(0);
    }

    static SessionRepository.Cursor cursor(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidRequestException("cursor must be a nextCursor value, got '" + text + "'");
        }
        return new SessionRepository.Cursor(
                SessionRoutes.number("cursor", parts[0]),
                SessionRoutes.number("cursor", parts[1]),
                SessionRoutes.number("cursor", parts[2]));
    }
}
