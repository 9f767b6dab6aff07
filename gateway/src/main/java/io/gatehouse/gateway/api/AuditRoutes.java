package io.gatehouse.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventCodec;
import io.gatehouse.audit.MalformedRecordException;
import io.gatehouse.audit.bundle.Bundle;
import io.gatehouse.audit.bundle.BundleBuilder;
import io.gatehouse.audit.bundle.BundleCodec;
import io.gatehouse.audit.merkle.NodeSource;
import io.gatehouse.gateway.admin.Actor;
import io.gatehouse.gateway.admin.ForbiddenException;
import io.gatehouse.gateway.recorder.LogWriter;
import io.gatehouse.gateway.recorder.StoredTree;
import io.gatehouse.store.LogEntry;
import io.gatehouse.store.LogRepository;
import io.gatehouse.store.NotFoundException;
import io.gatehouse.store.StoredCheckpoint;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The log's public face: the verifier key (no token needed: it is public by design, so anyone can check
 * exported bundles), the latest signed checkpoint, and a session's offline-verifiable bundle.
 */
final class AuditRoutes {
    private final LogRepository log;
    private final LogWriter writer;
    private final String verifierKey;
    private final RequestContext context;

    AuditRoutes(LogRepository log, LogWriter writer, String verifierKey, RequestContext context) {
        this.log = log;
        this.writer = writer;
        this.verifierKey = verifierKey;
        this.context = context;
    }

    void register(HttpRouting.Builder r) {
        r.get("/api/v1/audit/key", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            res.send((verifierKey + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        });
        r.get("/api/v1/audit/checkpoint", (req, res) -> {
            context.principal(req);
            ObjectNode n = Json.object();
            n.put("origin", writer.origin());
            n.put("size", writer.head().size());
            n.put("root", HexFormat.of().formatHex(writer.head().rootHash()));
            Optional<StoredCheckpoint> latest = log.latestCheckpoint(writer.origin());
            latest.ifPresent(cp -> {
                n.put("checkpointSize", cp.size());
                n.put("checkpointAt", cp.createdAt().toString());
                n.put("note", cp.note());
            });
            n.put("verifierKey", verifierKey);
            AdminRoutes.ok(res, n);
        });
        r.get("/api/v1/sessions/{id}/export", (req, res) -> {
            Actor actor = context.actor(req);
            String session = AdminRoutes.param(req, "id");
            Export export = export(session);
            if (!actor.readsEverything() && !export.identities().stream().allMatch(actor.name()::equals)) {
                throw new ForbiddenException("identity '" + actor.name() + "' may only export its own sessions");
            }
            if (export.bundle().isEmpty()) {
                res.header(HeaderNames.RETRY_AFTER, "1");
                Problems.send(
                        res,
                        Status.SERVICE_UNAVAILABLE_503,
                        "Not yet checkpointed",
                        "session " + session + " is not yet covered by a signed checkpoint; retry in a second");
                return;
            }
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"session-" + session + ".json\"");
            res.send(BundleCodec.write(export.bundle().get()));
        });
    }

    private record Export(Optional<Bundle> bundle, List<String> identities) {}

    private Export export(String session) {
        for (String origin : log.origins()) {
            List<LogEntry> entries = log.bySession(origin, session);
            if (entries.isEmpty()) {
                continue;
            }
            List<String> identities = new ArrayList<>();
            for (LogEntry e : entries) {
                try {
                    Event event = EventCodec.decode(e.entry());
                    if (event.identity() != null) {
                        identities.add(event.identity());
                    }
                } catch (MalformedRecordException damaged) {
                    throw new IllegalStateException(
                            "event " + e.index() + " of log '" + origin
                                    + "' does not decode; run `gatehouse audit verify`",
                            damaged);
                }
            }
            long last = entries.get(entries.size() - 1).index();
            Optional<StoredCheckpoint> checkpoint = log.latestCheckpoint(origin);
            if (checkpoint.isEmpty() || checkpoint.get().size() <= last) {
                return new Export(Optional.empty(), identities);
            }
            NodeSource nodes = new StoredTree(log, origin);
            BundleBuilder builder = new BundleBuilder(
                    origin, checkpoint.get().note(), checkpoint.get().size(), nodes);
            entries.forEach(e -> builder.add(e.index(), e.entry()));
            Bundle bundle = builder.build();
            return new Export(Optional.of(bundle), identities);
        }
        throw new NotFoundException("no session with id '" + session + "'");
    }
}
