package io.gatehouse.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Runs a test class with Netty's leak detector at PARANOID (every buffer tracked, for the listener's Netty
 * and for the copy shaded into grpc-netty-shaded that carries the tunnel), and fails the class if any LEAK
 * was reported. Netty reports a leak when a tracked buffer is garbage-collected unreleased, and only while
 * tracking the next buffer; so after the tests it collects garbage and allocates a few buffers to flush the
 * reports out. Reports are caught twice: by {@link ByteBufUtil#setLeakListener} and by an appender on the
 * detectors' loggers (the shaded copy logs through SLF4J as well).
 *
 * <p>Use with {@code @ExtendWith(NettyLeakCheck.class)}; the level is restored afterwards, so the rest of the
 * suite keeps the default (sampled) detection.
 */
public final class NettyLeakCheck implements BeforeAllCallback, AfterAllCallback {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static final String[] DETECTOR_LOGGERS = {
        "io.netty.util.ResourceLeakDetector", "io.grpc.netty.shaded.io.netty.util.ResourceLeakDetector"
    };

    private ResourceLeakDetector.Level before;
    private io.grpc.netty.shaded.io.netty.util.ResourceLeakDetector.Level shadedBefore;
    private Capture capture;

    /** Appends every ERROR of a leak detector that reports a LEAK. */
    private static final class Capture extends AppenderBase<ILoggingEvent> {
        @Override
        protected void append(ILoggingEvent event) {
            if (event.getFormattedMessage().contains("LEAK")) {
                LEAKS.add(event.getLoggerName() + ": " + event.getFormattedMessage());
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        before = ResourceLeakDetector.getLevel();
        shadedBefore = io.grpc.netty.shaded.io.netty.util.ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        io.grpc.netty.shaded.io.netty.util.ResourceLeakDetector.setLevel(
                io.grpc.netty.shaded.io.netty.util.ResourceLeakDetector.Level.PARANOID);
        LEAKS.clear();
        ByteBufUtil.setLeakListener((type, records) -> LEAKS.add(type + ": " + records));
        capture = new Capture();
        capture.setContext(((Logger) LoggerFactory.getLogger(DETECTOR_LOGGERS[0])).getLoggerContext());
        capture.start();
        for (String name : DETECTOR_LOGGERS) {
            ((Logger) LoggerFactory.getLogger(name)).addAppender(capture);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        try {
            flushLeakReports();
            assertThat(LEAKS).as("Netty leak reports (paranoid)").isEmpty();
        } finally {
            for (String name : DETECTOR_LOGGERS) {
                ((Logger) LoggerFactory.getLogger(name)).detachAppender(capture);
            }
            capture.stop();
            ByteBufUtil.setLeakListener(null);
            ResourceLeakDetector.setLevel(before);
            io.grpc.netty.shaded.io.netty.util.ResourceLeakDetector.setLevel(shadedBefore);
        }
    }

    /** Unreleased buffers become reports only after a GC and on the next allocation that is tracked. */
    private static void flushLeakReports() throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            System.gc();
            Thread.sleep(100);
            for (ByteBufAllocator allocator : List.of(
                    ByteBufAllocator.DEFAULT, PooledByteBufAllocator.DEFAULT, UnpooledByteBufAllocator.DEFAULT)) {
                ByteBuf probe = allocator.directBuffer(16);
                probe.release();
                probe = allocator.heapBuffer(16);
                probe.release();
            }
            io.grpc.netty.shaded.io.netty.buffer.ByteBuf shaded =
                    io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator.DEFAULT.directBuffer(16);
            shaded.release();
        }
    }

    /** The leaks reported so far (for a test that checks at a point of its own choosing). */
    public static List<String> leaks() {
        return List.copyOf(LEAKS);
    }
}
