package io.gatehouse.store.internal;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.Value;

/**
 * What the sessions index takes from one decoded event. Every component may be null.
 *
 * @param type the protocol, e.g. {@code postgres} (session.start)
 * @param client the client's address (session.start)
 * @param application the client's application name (session.start)
 * @param token the prefix of the token that authenticated the session (session.start)
 * @param text the command text (command), or the end or refusal reason (session.end, blocked)
 * @param commandNo the command's number within its session (command, command.result)
 * @param status the command's outcome, e.g. {@code ok} or {@code error}: from command.result, or from a
 *     command event that already carries its outcome (a best-effort connection may write one event)
 */
record EventFacts(
        String type, String client, String application, String token, String text, Long commandNo, String status) {

    static EventFacts of(Event event) {
        return switch (event.kind()) {
            case SESSION_START ->
                new EventFacts(
                        text(event, "protocol"),
                        text(event, "source"),
                        text(event, "application_name"),
                        text(event, "token"),
                        null,
                        null,
                        null);
            case COMMAND ->
                new EventFacts(null, null, null, null, commandText(event), number(event), text(event, "status"));
            case COMMAND_RESULT -> new EventFacts(null, null, null, null, null, number(event), text(event, "status"));
            case SESSION_END, BLOCKED -> new EventFacts(null, null, null, null, text(event, "reason"), null, null);
            case OUTPUT, APPROVAL, ADMIN -> new EventFacts(null, null, null, null, null, null, null);
        };
    }

    /** The SQL, or for commands without text (a function call, a cancel request) their protocol in brackets. */
    private static String commandText(Event event) {
        String sql = text(event, "sql");
        if (sql != null) {
            return sql;
        }
        String protocol = text(event, "protocol");
        return protocol == null ? null : "<" + protocol + ">";
    }

    private static String text(Event event, String field) {
        return switch (event.field(field)) {
            case Value.Str s -> s.value();
            case null, default -> null;
        };
    }

    private static Long number(Event event) {
        return switch (event.field("command")) {
            case Value.Int i -> i.value();
            case null, default -> null;
        };
    }
}
