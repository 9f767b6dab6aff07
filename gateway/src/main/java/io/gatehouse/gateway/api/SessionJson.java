package io.gatehouse.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.store.SessionRecord;
import java.util.Optional;

/** A session's facts as the API shows them. */
final class SessionJson {
    private SessionJson() {}

    static ObjectNode of(SessionRecord s, Optional<Integrity.Covered> covered) {
        ObjectNode n = Json.object();
        n.put("id", s.session());
        n.put("log", s.origin());
        n.put("identity", s.identity());
        n.put("connection", s.connection());
        n.put("type", s.type());
        n.put("token", s.token());
        n.put("client", s.client());
        n.put("application", s.application());
        n.put("status", s.status());
        n.put("started", EventJson.time(s.startedMicros()));
        if (s.endedMicros() == null) {
            n.putNull("ended");
        } else {
            n.put("ended", EventJson.time(s.endedMicros()));
        }
        n.put("endReason", s.endReason());
        n.put("eventCount", s.events());
        n.put("commandCount", s.commands());
        n.put("errorCount", s.errors());
        n.put("firstIndex", s.firstIndex());
        n.put("lastIndex", s.lastIndex());
        n.set("integrity", Integrity.session(covered, s.firstIndex(), s.lastIndex()));
        return n;
    }
}
