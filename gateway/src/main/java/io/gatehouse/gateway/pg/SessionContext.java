package io.gatehouse.gateway.pg;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.store.ConnectionRecord;
import io.gatehouse.store.Durability;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Who a session is, once authorized: its id, the client's address, the authenticated identity and the
 * token it used, the connection and the upstream database.
 */
record SessionContext(
        String id, String source, String identity, String tokenId, ConnectionRecord connection, String database) {

    boolean failClosed() {
        return connection.durability() == Durability.FAIL_CLOSED;
    }

    Event.Builder event(EventKind kind, Clock clock) {
        return Event.builder(kind)
                .timeMicros(micros(clock.instant()))
                .session(id)
                .identity(identity)
                .connection(connection.name());
    }

    static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }
}
