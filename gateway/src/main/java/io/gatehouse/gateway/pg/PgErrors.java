package io.gatehouse.gateway.pg;

import io.gatehouse.wire.pg.BackendMessage;
import io.gatehouse.wire.pg.ErrorResponse;
import io.gatehouse.wire.pg.PgEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The SQLSTATEs the gateway answers with itself (PostgreSQL documentation, Appendix A "PostgreSQL Error
 * Codes"), and the encoding of gateway-made messages.
 *
 * <p>{@link #RECORDING_UNAVAILABLE} is {@code 58000} (system_error, "an error external to PostgreSQL
 * itself"): the statement was refused because the gateway's audit store could not make its record durable
 * in time. It is sent with severity FATAL and the session is closed, because the gateway cannot record
 * anything further and the client must not assume any part of its pipeline ran.
 */
final class PgErrors {
    static final String PROTOCOL_VIOLATION = "08P01";
    static final String CANNOT_CONNECT = "08001";
    static final String CONNECTION_FAILURE = "08006";
    static final String FEATURE_NOT_SUPPORTED = "0A000";
    static final String INVALID_AUTHORIZATION = "28000";
    static final String INVALID_PASSWORD = "28P01";
    static final String UNKNOWN_DATABASE = "3D000";
    static final String TOO_MANY = "53300";
    static final String TOO_LARGE = "54000";
    static final String RECORDING_UNAVAILABLE = "58000";

    static final String NOT_RECORDED_MESSAGE = "not executed: the recording store is unavailable";

    private PgErrors() {}

    static ErrorResponse fatal(String sqlState, String message) {
        return ErrorResponse.of("FATAL", sqlState, message);
    }

    static ByteBuf encode(BackendMessage... messages) {
        byte[][] parts = new byte[messages.length][];
        for (int i = 0; i < messages.length; i++) {
            parts[i] = PgEncoder.encode(messages[i]);
        }
        return Unpooled.wrappedBuffer(parts);
    }
}
