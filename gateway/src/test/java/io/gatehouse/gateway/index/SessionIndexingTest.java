package io.gatehouse.gateway.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.store.SessionIndexer;
import io.gatehouse.store.StoreException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The indexing thread takes the log in batches of a poll's worth: after every catch-up, including one that
 * found new events, it sleeps the poll interval. (It used to loop straight back while events kept arriving,
 * which at one client indexed one or two events per transaction.) And a failing store does not stop it.
 */
class SessionIndexingTest {

    /** Always finds new events, as under a steady stream of statements. */
    private static final class BusyLog implements SessionIndexer {
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch secondCall = new CountDownLatch(2);
        volatile boolean failFirst;

        @Override
        public long catchUp() {
            calls.incrementAndGet();
            secondCall.countDown();
            if (failFirst && calls.get() == 1) {
                throw new StoreException("store down");
            }
            return 2;
        }

        @Override
        public long indexedUpTo(String origin) {
            return 0;
        }

        @Override
        public void rebuild() {}
    }

    @Test
    void sleepsThePollIntervalAfterACatchUpThatFoundEvents() throws Exception {
        BusyLog log = new BusyLog();
        try (SessionIndexing indexing = SessionIndexing.start(log, Duration.ofMillis(300))) {
            assertThat(log.secondCall.await(5, TimeUnit.SECONDS))
                    .as("a second catch-up after the poll")
                    .isTrue();
            Thread.sleep(600);
        }
        // about 0.9 s at one catch-up per 300 ms: 3 or 4; looping back at once would be thousands
        assertThat(log.calls.get()).isBetween(2, 6);
    }

    @Test
    void keepsIndexingAfterTheStoreFailed() throws Exception {
        BusyLog log = new BusyLog();
        log.failFirst = true;
        try (SessionIndexing indexing = SessionIndexing.start(log, Duration.ofMillis(10))) {
            assertThat(log.secondCall.await(5, TimeUnit.SECONDS))
                    .as("retried after the back-off")
                    .isTrue();
        }
    }
}
