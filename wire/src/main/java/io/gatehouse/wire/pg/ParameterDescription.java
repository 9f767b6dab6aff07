package io.gatehouse.wire.pg;

import java.util.List;

/** 't': the type OIDs of a prepared statement's parameters. */
public record ParameterDescription(List<Integer> typeOids) implements BackendMessage {
    public ParameterDescription {
        typeOids = List.copyOf(typeOids);
    }
}
