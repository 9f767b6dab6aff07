package io.gatehouse.audit;

import io.gatehouse.audit.internal.Text;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One recorded fact (DESIGN.md, "The record"). An event is either a <em>draft</em> ({@code log == null},
 * {@code seq == -1}), as producers build it, or <em>sequenced</em>: {@code log} is the origin of the log it belongs
 * to and {@code seq} its 0-based index there, assigned by the single log writer through {@link #sequenced}. Only
 * sequenced events have a canonical encoding, because the log and position are inside the hashed bytes: that is what
 * makes a deleted, inserted or reordered event detectable from the event itself.
 *
 * @param timeMicros microseconds since the Unix epoch
 * @param session may be null (e.g. an admin action)
 * @param identity may be null (e.g. a failed authentication before an identity is known)
 * @param connection may be null (e.g. an admin action)
 * @param fields kind-specific values; immutable, keys sorted by UTF-8 bytes
 */
public record Event(
        String log,
        long seq,
        long timeMicros,
        String session,
        String identity,
        String connection,
        EventKind kind,
        SortedMap<String, Value> fields) {

    public Event {
        Objects.requireNonNull(kind, "kind");
        if (log == null) {
            if (seq != -1) {
                throw new IllegalArgumentException("draft event (log null) must have seq -1, got " + seq);
            }
        } else {
            Text.requireWellFormed(log, "log");
            if (log.isEmpty()) {
                throw new IllegalArgumentException("log origin must not be empty");
            }
            if (seq < 0) {
                throw new IllegalArgumentException("sequenced event needs seq >= 0, got " + seq);
            }
        }
        checkText(session, "session");
        checkText(identity, "identity");
        checkText(connection, "connection");
        fields = Value.sortedCopy(Objects.requireNonNull(fields, "fields"), "field name");
    }

    private static void checkText(String value, String what) {
        if (value != null) {
            Text.requireWellFormed(value, what);
        }
    }

    public static Builder builder(EventKind kind) {
        return new Builder(kind);
    }

    public boolean isSequenced() {
        return log != null;
    }

    /** This event placed at position {@code seq} of the log named {@code log}. */
    public Event sequenced(String log, long seq) {
        Objects.requireNonNull(log, "log");
        return new Event(log, seq, timeMicros, session, identity, connection, kind, fields);
    }

    /** The value of field {@code name}, or null if absent. */
    public Value field(String name) {
        return fields.get(name);
    }

    /** Builds a draft event; the log writer sequences it. */
    public static final class Builder {
        private final EventKind kind;
        private long timeMicros;
        private String session;
        private String identity;
        private String connection;
        private final TreeMap<String, Value> fields = new TreeMap<>(Value.KEY_ORDER);

        private Builder(EventKind kind) {
            this.kind = Objects.requireNonNull(kind, "kind");
        }

        public Builder timeMicros(long timeMicros) {
            this.timeMicros = timeMicros;
            return this;
        }

        public Builder session(String session) {
            this.session = session;
            return this;
        }

        public Builder identity(String identity) {
            this.identity = identity;
            return this;
        }

        public Builder connection(String connection) {
            this.connection = connection;
            return this;
        }

        /** Sets field {@code name}; a later call with the same name replaces the value. */
        public Builder field(String name, Value value) {
            fields.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Event build() {
            return new Event(null, -1, timeMicros, session, identity, connection, kind, fields);
        }
    }
}
