package io.gatehouse.wire.pg;

import java.util.List;

/** 'R' code 10: the server offers these SASL mechanisms, in order of preference. */
public record AuthenticationSASL(List<String> mechanisms) implements BackendMessage {
    public AuthenticationSASL {
        mechanisms = List.copyOf(mechanisms);
    }

    public static AuthenticationSASL scramSha256() {
        return new AuthenticationSASL(List.of("SCRAM-SHA-256"));
    }
}
