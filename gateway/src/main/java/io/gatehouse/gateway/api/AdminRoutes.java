package io.gatehouse.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.gateway.admin.Actor;
import io.gatehouse.gateway.admin.AdminService;
import io.gatehouse.gateway.admin.ConnectionSpec;
import io.gatehouse.gateway.admin.InvalidRequestException;
import io.gatehouse.gateway.config.ConfigException;
import io.gatehouse.gateway.config.GatewayConfig;
import io.gatehouse.store.Identity;
import io.gatehouse.store.Store;
import io.gatehouse.store.TokenRecord;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** {@code /api/v1} identities, tokens, connections and grants. Role checks live in {@link AdminService}. */
final class AdminRoutes {
    private final AdminService admin;
    private final Store store;
    private final RequestContext context;
    private final Clock clock;

    AdminRoutes(AdminService admin, Store store, RequestContext context, Clock clock) {
        this.admin = admin;
        this.store = store;
        this.context = context;
        this.clock = clock;
    }

    void register(HttpRouting.Builder r) {
        r.get("/api/v1/whoami", (req, res) -> {
            Actor actor = context.actor(req);
            ok(res, Views.whoami(actor, admin.identity(actor, actor.name())));
        });

        r.get("/api/v1/identities", (req, res) -> ok(res, list(admin.identities(context.actor(req)), Views::identity)));
        r.post("/api/v1/identities", (req, res) -> {
            Actor actor = context.actor(req);
            JsonNode body = Json.body(req.content().as(byte[].class));
            Identity created = admin.createIdentity(
                    actor, Json.requiredText(body, "name"), Json.requiredText(body, "kind"), Json.text(body, "role"));
            created(res, "/api/v1/identities/" + created.name(), Views.identity(created));
        });
        r.get(
                "/api/v1/identities/{name}",
                (req, res) -> ok(res, Views.identity(admin.identity(context.actor(req), param(req, "name")))));
        r.post(
                "/api/v1/identities/{name}/disable",
                (req, res) -> ok(res, Views.identity(admin.setDisabled(context.actor(req), param(req, "name"), true))));
        r.post(
                "/api/v1/identities/{name}/enable",
                (req, res) ->
                        ok(res, Views.identity(admin.setDisabled(context.actor(req), param(req, "name"), false))));

        r.get("/api/v1/tokens", (req, res) -> {
            Actor actor = context.actor(req);
            Optional<String> identity = req.query().first("identity").asOptional();
            List<TokenRecord> tokens = admin.tokens(actor, identity);
            ok(res, list(tokens, t -> Views.token(t, this::identityName, clock.instant())));
        });
        r.post("/api/v1/tokens", (req, res) -> {
            Actor actor = context.actor(req);
            JsonNode body = Json.body(req.content().as(byte[].class));
            Optional<Duration> validFor =
                    Optional.ofNullable(Json.text(body, "expires")).map(AdminRoutes::duration);
            AdminService.NewToken minted = admin.mintToken(actor, Json.requiredText(body, "identity"), validFor);
            ObjectNode view = Views.token(minted.record(), id -> minted.identity(), clock.instant());
            view.put("token", minted.value()); // shown once: the store keeps only hashes
            created(res, "/api/v1/tokens/" + minted.record().id(), view);
        });
        r.delete("/api/v1/tokens/{id}", (req, res) -> {
            TokenRecord revoked = admin.revokeToken(context.actor(req), param(req, "id"));
            ok(res, Views.token(revoked, this::identityName, clock.instant()));
        });

        r.get(
                "/api/v1/connections",
                (req, res) -> ok(res, list(admin.connections(context.actor(req)), Views::connection)));
        r.post("/api/v1/connections", (req, res) -> {
            Actor actor = context.actor(req);
            JsonNode b = Json.body(req.content().as(byte[].class));
            ConnectionSpec spec = new ConnectionSpec(
                    Json.requiredText(b, "name"),
                    Json.requiredText(b, "type"),
                    Json.requiredText(b, "target"),
                    Json.text(b, "connector"),
                    Json.text(b, "username"),
                    Json.text(b, "database"),
                    Json.text(b, "password"),
                    Json.text(b, "secretRef"),
                    Json.text(b, "recording"),
                    Json.text(b, "durability"),
                    Json.text(b, "upstreamTls"));
            var created = admin.addConnection(actor, spec);
            created(res, "/api/v1/connections/" + created.name(), Views.connection(created));
        });
        r.get(
                "/api/v1/connections/{name}",
                (req, res) -> ok(res, Views.connection(admin.connection(context.actor(req), param(req, "name")))));
        r.delete("/api/v1/connections/{name}", (req, res) -> {
            admin.removeConnection(context.actor(req), param(req, "name"));
            res.status(Status.NO_CONTENT_204).send();
        });

        r.get("/api/v1/grants", (req, res) -> ok(res, list(admin.grants(context.actor(req)), Views::grant)));
        r.post("/api/v1/grants", (req, res) -> {
            Actor actor = context.actor(req);
            JsonNode b = Json.body(req.content().as(byte[].class));
            var grant = admin.addGrant(actor, Json.requiredText(b, "identity"), Json.requiredText(b, "connection"));
            created(res, "/api/v1/grants/" + grant.identity() + "/" + grant.connection(), Views.grant(grant));
        });
        r.delete("/api/v1/grants/{identity}/{connection}", (req, res) -> {
            admin.removeGrant(context.actor(req), param(req, "identity"), param(req, "connection"));
            res.status(Status.NO_CONTENT_204).send();
        });
    }

    private String identityName(long id) {
        return store.identities().byId(id).map(Identity::name).orElse("?");
    }

    private static Duration duration(String text) {
        try {
            return GatewayConfig.parseDuration("expires", text);
        } catch (ConfigException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }

    static String param(ServerRequest req, String name) {
        return req.path().pathParameters().get(name);
    }

    static <T> ArrayNode list(List<T> items, Function<T, ObjectNode> view) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        items.forEach(i -> array.add(view.apply(i)));
        return array;
    }

    static void ok(ServerResponse res, Object body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(body));
    }

    static void created(ServerResponse res, String location, Object body) {
        res.status(Status.CREATED_201);
        res.header(HeaderNames.LOCATION, location);
        ok(res, body);
    }
}
