package io.gatehouse.gateway.testing;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventCodec;
import io.gatehouse.audit.MalformedRecordException;
import io.gatehouse.audit.Value;

/** Decoding stored events in tests, where a malformed one is a test failure. */
public final class TestEvents {
    private TestEvents() {}

    public static Event decode(byte[] entry) {
        try {
            return EventCodec.decode(entry);
        } catch (MalformedRecordException e) {
            throw new AssertionError("stored event does not decode: " + e.getMessage(), e);
        }
    }

    public static String text(Event event, String field) {
        return event.field(field) instanceof Value.Str s ? s.value() : null;
    }
}
