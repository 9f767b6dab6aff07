package io.gatehouse.wire.pg;

/** 'Z': ready for a new command; {@code status} 'I' idle, 'T' in a transaction, 'E' failed transaction. */
public record ReadyForQuery(char status) implements BackendMessage {
    public static ReadyForQuery idle() {
        return new ReadyForQuery('I');
    }
}
