package io.gatehouse.gateway.pg;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Session ids: 16 hex digits (64 random bits). Short enough to fit with the identity in the upstream
 * {@code application_name} (at most 63 bytes), random so that one session's id says nothing of another's.
 */
final class SessionIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SessionIds() {}

    static String next() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
