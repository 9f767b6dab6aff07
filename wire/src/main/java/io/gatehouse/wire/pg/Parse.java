package io.gatehouse.wire.pg;

import java.util.List;

/**
 * 'P': prepare {@code query} as statement {@code name} (empty = the unnamed statement). A type OID
 * of 0 leaves the parameter's type to the server.
 */
public record Parse(String name, String query, List<Integer> parameterTypeOids) implements FrontendMessage {
    public Parse {
        parameterTypeOids = List.copyOf(parameterTypeOids);
    }
}
