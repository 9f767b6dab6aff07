package io.gatehouse.audit;

/**
 * What an {@link Event} records. The wire name is what the canonical encoding stores, so it is part of the
 * record format (docs/record-format.md) and must never change for an existing kind.
 */
public enum EventKind {
    SESSION_START("session.start"),
    SESSION_END("session.end"),
    COMMAND("command"),
    COMMAND_RESULT("command.result"),
    OUTPUT("output"),
    BLOCKED("blocked"),
    APPROVAL("approval"),
    ADMIN("admin");

    private final String wireName;

    EventKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The kind whose wire name is {@code wireName}; throws {@link IllegalArgumentException} for any other text. */
    public static EventKind parse(String wireName) {
        for (EventKind kind : values()) {
            if (kind.wireName.equals(wireName)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown event kind '" + wireName + "', expected one of "
                + java.util.Arrays.stream(values()).map(EventKind::wireName).toList());
    }

    @Override
    public String toString() {
        return wireName;
    }
}
