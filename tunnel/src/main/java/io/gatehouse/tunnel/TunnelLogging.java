package io.gatehouse.tunnel;

import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * gRPC's Netty transport logs every HTTP/2 frame at DEBUG, headers included, and the headers carry the
 * connector token ({@code authorization: Bearer ...}). Whatever level the rest of the process logs at,
 * those loggers are held at INFO so a token never reaches a log (the test that found this:
 * TunnelLifecycleTest.aWrongTokenIsRefusedRecordedAndEndsTheConnector).
 */
public final class TunnelLogging {
    private static final String FRAME_LOGGERS = "io.grpc.netty.shaded";

    private TunnelLogging() {}

    public static void quietFrameLogs() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (isLogback(factory)) {
            ((ch.qos.logback.classic.LoggerContext) factory)
                    .getLogger(FRAME_LOGGERS)
                    .setLevel(ch.qos.logback.classic.Level.INFO);
        }
        // java.util.logging (gRPC's own logger API) as a fallback when it is not bridged.
        java.util.logging.Logger.getLogger(FRAME_LOGGERS).setLevel(java.util.logging.Level.INFO);
    }

    private static boolean isLogback(ILoggerFactory factory) {
        try {
            return factory instanceof ch.qos.logback.classic.LoggerContext;
        } catch (NoClassDefFoundError e) {
            return false;
        }
    }
}
