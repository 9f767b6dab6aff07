package io.gatehouse.gateway.api;

import io.gatehouse.store.LogEntry;
import io.gatehouse.store.LogRepository;
import io.gatehouse.store.SessionRecord;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live follow of one session over Server-Sent Events: first every event after {@code after}, then new
 * ones as they are appended, found by polling the log's size every {@link #POLL} and reading only the
 * new events. Each SSE event is named {@code event}, its id is the log index (so a client can reconnect
 * with {@code after}), its data the event's JSON. Ends after the session's {@code session.end}, when the
 * client goes away, or after {@link #MAX_FOLLOW}.
 */
final class SessionFollower {
    private static final Logger LOG = LoggerFactory.getLogger(SessionFollower.class);
    static final Duration POLL = Duration.ofMillis(200);
    static final Duration MAX_FOLLOW = Duration.ofHours(1);
    private static final Duration KEEPALIVE = Duration.ofSeconds(15);
    private static final int READ_BATCH = 1000;

    private final LogRepository log;
    private final Integrity integrity;

    SessionFollower(LogRepository log, Integrity integrity) {
        this.log = log;
        this.integrity = integrity;
    }

    void follow(SessionRecord session, long after, ServerResponse res) {
        String origin = session.origin();
        SseSink sink = res.sink(SseSink.TYPE);
        try {
            boolean ended = false;
            long next = session.lastIndex() + 1;
            for (LogEntry e : log.bySession(origin, session.session())) {
                if (e.index() > after) {
                    ended |= emit(sink, origin, e);
                }
                next = Math.max(next, e.index() + 1);
            }
            long deadline = System.nanoTime() + MAX_FOLLOW.toNanos();
            long lastSent = System.nanoTime();
            while (!ended && System.nanoTime() < deadline) {
                long size = log.size(origin);
                if (size <= next) {
                    if (System.nanoTime() - lastSent > KEEPALIVE.toNanos()) {
                        sink.emit(SseEvent.builder().comment("keepalive").build());
                        lastSent = System.nanoTime();
                    }
                    sleep();
                    continue;
                }
                List<LogEntry> fresh = log.read(origin, next, READ_BATCH);
                for (LogEntry e : fresh) {
                    if (session.session().equals(e.session()) && e.index() > after) {
                        ended |= emit(sink, origin, e);
                        lastSent = System.nanoTime();
                    }
                    next = e.index() + 1;
                }
            }
        } catch (UncheckedIOException gone) {
            LOG.debug("follow of session {}: client went away: {}", session.session(), gone.toString());
        } finally {
            try {
                sink.close();
            } catch (RuntimeException alreadyGone) {
                LOG.debug("follow of session {}: close: {}", session.session(), alreadyGone.toString());
            }
        }
    }

    private boolean emit(SseSink sink, String origin, LogEntry e) {
        String json = Json.MAPPER
                .valueToTree(EventJson.of(origin, e, integrity.latest(origin)))
                .toString();
        sink.emit(SseEvent.builder()
                .name("event")
                .id(Long.toString(e.index()))
                .data(json)
                .build());
        return e.kind().equals("session.end");
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("follow interrupted", e);
        }
    }
}
