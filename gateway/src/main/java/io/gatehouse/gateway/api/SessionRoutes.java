package io.gatehouse.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventCodec;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.MalformedRecordException;
import io.gatehouse.audit.Value;
import io.gatehouse.gateway.admin.Actor;
import io.gatehouse.gateway.admin.ForbiddenException;
import io.gatehouse.gateway.admin.InvalidRequestException;
import io.gatehouse.store.CommandRecord;
import io.gatehouse.store.IdentityRepository;
import io.gatehouse.store.LogEntry;
import io.gatehouse.store.LogRepository;
import io.gatehouse.store.NotFoundException;
import io.gatehouse.store.SessionQuery;
import io.gatehouse.store.SessionRecord;
import io.gatehouse.store.SessionRepository;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reading the record back: sessions (filtered, paged newest first), one session with its events, the
 * events after an index, and the per-connection timeline. Admins and auditors read every session, other
 * identities only their own. Nothing here edits anything.
 */
final class SessionRoutes {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final SessionRepository sessions;
    private final LogRepository log;
    private final Integrity integrity;
    private final RequestContext context;
    private final IdentityRepository identities;

    SessionRoutes(
            SessionRepository sessions,
            LogRepository log,
            IdentityRepository identities,
            Integrity integrity,
            RequestContext context) {
        this.identities = identities;
        this.sessions = sessions;
        this.log = log;
        this.integrity = integrity;
        this.context = context;
    }

    void register(HttpRouting.Builder r) {
        r.get("/api/v1/sessions", (req, res) -> AdminRoutes.ok(res, list(req)));
        r.get("/api/v1/sessions/{id}", (req, res) -> {
            SessionRecord session = readable(req);
            ObjectNode n = SessionJson.of(session, integrity.latest(session.origin()));
            details(session, n);
            // events=false: the facts and integrity only, for a page that polls the badge of a long session
            if (!query(req, "events").orElse("true").equals("false")) {
                n.set("events", events(session, -1));
            }
            AdminRoutes.ok(res, n);
        });
        r.get("/api/v1/sessions/{id}/events", (req, res) -> {
            SessionRecord session = readable(req);
            ObjectNode n = Json.object();
            n.set("events", events(session, after(req)));
            AdminRoutes.ok(res, n);
        });
        r.get("/api/v1/sessions/{id}/follow", (req, res) -> {
            SessionRecord session = readable(req);
            new SessionFollower(log, integrity).follow(session, after(req), res);
        });
        r.get("/api/v1/timeline", (req, res) -> AdminRoutes.ok(res, timeline(req)));
    }

    /** The session named in the path, if the caller may read it (an unreadable one is "not found"). */
    SessionRecord readable(ServerRequest req) {
        Actor actor = context.actor(req);
        String id = AdminRoutes.param(req, "id");
        Optional<SessionRecord> session = sessions.find(id);
        if (session.isEmpty()
                || !(actor.readsEverything()
                        || actor.name().equals(session.get().identity()))) {
            throw new NotFoundException("no session with id '" + id + "'");
        }
        return session.get();
    }

    private ObjectNode list(ServerRequest req) {
        Actor actor = context.actor(req);
        Optional<String> identity = query(req, "identity");
        if (!actor.readsEverything()) {
            if (identity.isPresent() && !identity.get().equals(actor.name())) {
                throw new ForbiddenException("identity '" + actor.name() + "' may only read its own sessions");
            }
            identity = Optional.of(actor.name());
        }
        int limit = limit(req);
        SessionQuery query = new SessionQuery(
                identity.orElse(null),
                query(req, "connection").orElse(null),
                query(req, "type").orElse(null),
                status(req),
                micros(req, "since"),
                micros(req, "until"),
                query(req, "q").orElse(null),
                query(req, "cursor").map(c -> number("cursor", c)).orElse(null),
                limit);
        List<SessionRecord> found = sessions.list(query);
        ArrayNode items = Json.MAPPER.createArrayNode();
        Function<String, Optional<Integrity.Covered>> covered = integrity.forOneRequest();
        for (SessionRecord s : found) {
            items.add(SessionJson.of(s, covered.apply(s.origin())));
        }
        ObjectNode n = Json.object();
        n.set("sessions", items);
        if (found.size() == limit) {
            n.put("nextCursor", Long.toString(found.get(found.size() - 1).id()));
        } else {
            n.putNull("nextCursor");
        }
        return n;
    }

    private ObjectNode timeline(ServerRequest req) {
        Actor actor = context.actor(req);
        if (!actor.readsEverything()) {
            throw new ForbiddenException("the timeline spans identities; only admins and auditors read it (identity '"
                    + actor.name() + "')");
        }
        String connection = query(req, "connection")
                .orElseThrow(() -> new InvalidRequestException("query parameter 'connection' is required"));
        Long since = micros(req, "since");
        Long until = micros(req, "until");
        int limit = limit(req);
        SessionRepository.Cursor cursor =
                query(req, "cursor").map(TimelineJson::cursor).orElse(null);
        List<CommandRecord> commands = sessions.timeline(
                connection, since == null ? 0 : since, until == null ? Long.MAX_VALUE : until, cursor, limit);
        return new TimelineJson(log, integrity).page(commands, limit);
    }

    /**
     * What the index does not keep but a reviewer of one session wants: the identity's kind (agent or human,
     * as it is now) and the connector the session went through (recorded in its {@code session.start}).
     */
    private void details(SessionRecord session, ObjectNode n) {
        n.put(
                "identityKind",
                session.identity() == null
                        ? null
                        : identities
                                .byName(session.identity())
                                .map(i -> i.kind().wireName())
                                .orElse(null));
        String connector = null;
        for (LogEntry e : log.bySession(session.origin(), session.session())) {
            try {
                Event event = EventCodec.decode(e.entry());
                if (event.kind() == EventKind.SESSION_START && event.field("connector") instanceof Value.Str c) {
                    connector = c.value();
                }
            } catch (MalformedRecordException ignored) {
                // shown as damaged in the events; audit verify names it
            }
            break; // session.start is a session's first event
        }
        n.put("connector", connector);
    }

    private ArrayNode events(SessionRecord session, long after) {
        Optional<Integrity.Covered> covered = integrity.latest(session.origin());
        ArrayNode events = Json.MAPPER.createArrayNode();
        for (LogEntry e : log.bySession(session.origin(), session.session())) {
            if (e.index() > after) {
                events.add(EventJson.of(session.origin(), e, covered));
            }
        }
        return events;
    }

    static long after(ServerRequest req) {
        return query(req, "after").map(a -> number("after", a)).orElse(-1L);
    }

    static Optional<String> query(ServerRequest req, String name) {
        return req.query().first(name).asOptional().filter(v -> !v.isBlank());
    }

    private static String status(ServerRequest req) {
        Optional<String> status = query(req, "status");
        if (status.isPresent() && !status.get().equals("open") && !status.get().equals("closed")) {
            throw new InvalidRequestException("status must be open or closed, got '" + status.get() + "'");
        }
        return status.orElse(null);
    }

    private static int limit(ServerRequest req) {
        long limit = query(req, "limit").map(l -> number("limit", l)).orElse((long) DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        return (int) limit;
    }

    static long number(String name, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(name + " must be a number, got '" + text + "'");
        }
    }

    private static Long micros(ServerRequest req, String name) {
        Optional<String> text = query(req, name);
        if (text.isEmpty()) {
            return null;
        }
        try {
            Instant at = Instant.parse(text.get());
            return Math.multiplyExact(at.getEpochSecond(), 1_000_000L) + at.getNano() / 1000;
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException(
                    name + " must be an ISO-8601 instant such as 2026-11-24T10:00:00Z, got '" + text.get() + "'");
        }
    }
}
