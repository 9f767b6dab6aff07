package io.gatehouse.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.gateway.admin.Actor;
import io.gatehouse.gateway.admin.AdminService;
import io.gatehouse.gateway.tunnel.ConnectorRegistry;
import io.gatehouse.gateway.tunnel.ConnectorStatus;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import java.time.Instant;

/**
 * {@code /api/v1/connectors}: register a connector (its token is shown once), list connectors with their
 * live state, remove one. Role checks live in {@link AdminService}.
 */
final class ConnectorRoutes {
    private final AdminService admin;
    private final ConnectorRegistry registry;
    private final RequestContext context;

    ConnectorRoutes(AdminService admin, ConnectorRegistry registry, RequestContext context) {
        this.admin = admin;
        this.registry = registry;
        this.context = context;
    }

    void register(HttpRouting.Builder r) {
        r.get("/api/v1/connectors", (req, res) -> {
            admin.connectors(context.actor(req)); // the role check
            AdminRoutes.ok(res, AdminRoutes.list(registry.statuses(), ConnectorRoutes::view));
        });
        r.post("/api/v1/connectors", (req, res) -> {
            Actor actor = context.actor(req);
            JsonNode body = Json.body(req.content().as(byte[].class));
            AdminService.NewConnector created = admin.addConnector(actor, Json.requiredText(body, "name"));
            ObjectNode view = Json.object();
            view.put("name", created.record().name());
            view.put("tokenId", created.record().tokenId());
            view.put("createdAt", created.record().createdAt().toString());
            view.put("token", created.token()); // shown once: the store keeps only its hash
            AdminRoutes.created(res, "/api/v1/connectors/" + created.record().name(), view);
        });
        r.delete("/api/v1/connectors/{name}", (req, res) -> {
            admin.removeConnector(context.actor(req), AdminRoutes.param(req, "name"));
            res.status(Status.NO_CONTENT_204).send();
        });
    }

    static ObjectNode view(ConnectorStatus s) {
        ObjectNode n = Json.object();
        n.put("name", s.name());
        n.put("state", s.online() ? "online" : "offline");
        n.put("version", s.version());
        n.put("hostname", s.hostname());
        n.put("address", s.address());
        n.put("connectedAt", text(s.connectedAt()));
        n.put("lastSeen", text(s.lastSeen()));
        n.put("streamsOpen", s.streamsOpen());
        ArrayNode targets = n.putArray("targets");
        for (ConnectorStatus.Target t : s.targets()) {
            ObjectNode target = targets.addObject();
            target.put("target", t.target());
            target.put("reachable", t.reachable());
            target.put("error", t.error());
            target.put("checkedAt", text(t.checkedAt()));
        }
        n.put("tokenId", s.tokenId());
        n.put("createdAt", text(s.createdAt()));
        return n;
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
