package io.gatehouse.wire.pg;

/**
 * The untagged, length-prefixed packets a client sends before authentication ("Message Flow",
 * Start-up; "Message Formats": StartupMessage, SSLRequest, GSSENCRequest, CancelRequest).
 */
public sealed interface StartupPacket
        permits SSLRequest, GSSENCRequest, StartupMessage, CancelRequest, UnknownStartupPacket {
    /** Request code of SSLRequest: 1234 in the high 16 bits, 5679 in the low. */
    int SSL_REQUEST_CODE = 80877103;
    /** Request code of GSSENCRequest. */
    int GSSENC_REQUEST_CODE = 80877104;
    /** Request code of CancelRequest. */
    int CANCEL_REQUEST_CODE = 80877102;
    /** Protocol version 3.0 as sent in StartupMessage. */
    int PROTOCOL_3_0 = 3 << 16;
    /** Protocol version 3.2 (PostgreSQL 18: variable-length cancel keys). */
    int PROTOCOL_3_2 = (3 << 16) | 2;
}
