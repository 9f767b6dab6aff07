package io.gatehouse.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.gateway.admin.Actor;
import io.gatehouse.store.ConnectionRecord;
import io.gatehouse.store.Credential;
import io.gatehouse.store.Grant;
import io.gatehouse.store.Identity;
import io.gatehouse.store.TokenRecord;
import java.time.Instant;
import java.util.function.LongFunction;

/** JSON views of store records. Tokens appear by id and prefix only; credentials only as their kind. */
final class Views {
    private Views() {}

    static ObjectNode identity(Identity i) {
        ObjectNode n = Json.object();
        n.put("name", i.name());
        n.put("kind", i.kind().wireName());
        n.put("role", i.role().wireName());
        n.put("disabled", i.disabled());
        n.put("createdAt", i.createdAt().toString());
        return n;
    }

    static ObjectNode token(TokenRecord t, LongFunction<String> identityName, Instant now) {
        ObjectNode n = Json.object();
        n.put("id", t.id());
        n.put("identity", identityName.apply(t.identityId()));
        n.put("prefix", t.prefix());
        n.put("createdAt", t.createdAt().toString());
        put(n, "expiresAt", t.expiresAt());
        put(n, "revokedAt", t.revokedAt());
        put(n, "lastUsedAt", t.lastUsedAt());
        n.put("status", t.revokedAt() != null ? "revoked" : t.activeAt(now) ? "active" : "expired");
        return n;
    }

    static ObjectNode connection(ConnectionRecord c) {
        ObjectNode n = Json.object();
        n.put("name", c.name());
        n.put("type", c.type().wireName());
        n.put("target", c.target());
        n.put("connector", c.connector() == null ? "built-in" : c.connector());
        n.put("username", c.username());
        n.put("database", c.database());
        n.put(
                "credential",
                switch (c.credential()) {
                    case Credential.None none -> "none";
                    case Credential.Encrypted encrypted -> "stored";
                    case Credential.Reference reference -> reference.reference();
                });
        ObjectNode recording = n.putObject("recording");
        recording.put("content", c.content().wireName());
        recording.put("durability", c.durability().wireName());
        n.put("upstreamTls", c.upstreamTls().wireName());
        n.put("createdAt", c.createdAt().toString());
        return n;
    }

    static ObjectNode grant(Grant g) {
        ObjectNode n = Json.object();
        n.put("identity", g.identity());
        n.put("connection", g.connection());
        n.put("createdAt", g.createdAt().toString());
        return n;
    }

    static ObjectNode whoami(Actor actor, Identity identity) {
        ObjectNode n = identity(identity);
        n.put("token", actor.tokenId());
        n.put("client", actor.client());
        return n;
    }

    private static void put(ObjectNode n, String field, Instant value) {
        if (value == null) {
            n.putNull(field);
        } else {
            n.put(field, value.toString());
        }
    }
}
