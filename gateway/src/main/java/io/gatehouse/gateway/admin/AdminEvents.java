package io.gatehouse.gateway.admin;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.Value;
import io.gatehouse.store.ConnectionRecord;
import io.gatehouse.store.ConnectorRecord;
import io.gatehouse.store.Credential;
import io.gatehouse.store.Grant;
import io.gatehouse.store.Identity;
import io.gatehouse.store.TokenRecord;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Builds the {@code admin} events (DESIGN.md: "Admin actions ... are audit events too"): who, what, on
 * which target, and the state before and after, with secrets redacted (a credential appears only as its
 * kind, or as the name of its reference, never as a value).
 */
final class AdminEvents {
    private final Clock clock;

    AdminEvents(Clock clock) {
        this.clock = clock;
    }

    Event event(Actor actor, String action, String target, Value before, Value after) {
        Event.Builder b = Event.builder(EventKind.ADMIN)
                .timeMicros(micros(clock.instant()))
                .identity(actor.name())
                .field("action", Value.of(action))
                .field("target", Value.of(target))
                .field("before", before)
                .field("after", after)
                .field("client", Value.of(actor.client()));
        if (actor.tokenId() != null) {
            b.field("token", Value.of(actor.tokenId()));
        }
        return b.build();
    }

    static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    static Value of(ConnectorRecord c) {
        SortedMap<String, Value> m = new TreeMap<>();
        m.put("name", Value.of(c.name()));
        m.put("token", Value.of(c.tokenId()));
        return new Value.Map(m);
    }

    static Value of(Identity i) {
        SortedMap<String, Value> m = new TreeMap<>();
        m.put("name", Value.of(i.name()));
        m.put("kind", Value.of(i.kind().wireName()));
        m.put("role", Value.of(i.role().wireName()));
        m.put("disabled", Value.of(i.disabled()));
        return new Value.Map(m);
    }

    static Value of(TokenRecord t, String identity) {
        SortedMap<String, Value> m = new TreeMap<>();
        m.put("id", Value.of(t.id()));
        m.put("identity", Value.of(identity));
        m.put("prefix", Value.of(t.prefix()));
        m.put(
                "expires",
                t.expiresAt() == null
                        ? new Value.Null()
                        : Value.of(t.expiresAt().toString()));
        m.put(
                "revoked",
                t.revokedAt() == null
                        ? new Value.Null()
                        : Value.of(t.revokedAt().toString()));
        return new Value.Map(m);
    }

    static Value of(ConnectionRecord c) {
        SortedMap<String, Value> m = new TreeMap<>();
        m.put("name", Value.of(c.name()));
        m.put("type", Value.of(c.type().wireName()));
        m.put("target", Value.of(c.target()));
        m.put("connector", c.connector() == null ? Value.of("built-in") : Value.of(c.connector()));
        m.put("username", c.username() == null ? new Value.Null() : Value.of(c.username()));
        m.put("database", c.database() == null ? new Value.Null() : Value.of(c.database()));
        m.put("credential", Value.of(describe(c.credential())));
        m.put("recording", Value.of(c.content().wireName()));
        m.put("durability", Value.of(c.durability().wireName()));
        m.put("upstream_tls", Value.of(c.upstreamTls().wireName()));
        return new Value.Map(m);
    }

    static Value of(Grant g) {
        SortedMap<String, Value> m = new TreeMap<>();
        m.put("identity", Value.of(g.identity()));
        m.put("connection", Value.of(g.connection()));
        return new Value.Map(m);
    }

    /** Redacted description of a credential: safe for events, API responses and logs. */
    static String describe(Credential credential) {
        return switch (credential) {
            case Credential.None none -> "none";
            case Credential.Encrypted encrypted -> "stored (encrypted)";
            case Credential.Reference reference -> "reference " + reference.reference();
        };
    }
}
