package io.gatehouse.wire.pg;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** 'F': the legacy fast-path call of function {@code functionOid}; a {@code null} argument is NULL. */
public record FunctionCall(int functionOid, List<Short> argumentFormats, List<Bytes> arguments, short resultFormat)
        implements FrontendMessage {
    public FunctionCall {
        argumentFormats = List.copyOf(argumentFormats);
        arguments = Collections.unmodifiableList(new ArrayList<>(arguments));
    }
}
