package io.gatehouse.wire.pg;

import java.util.List;

/** 'v': the newest minor protocol version the server supports and the options it did not recognise. */
public record NegotiateProtocolVersion(int newestMinorVersion, List<String> unrecognizedOptions)
        implements BackendMessage {
    public NegotiateProtocolVersion {
        unrecognizedOptions = List.copyOf(unrecognizedOptions);
    }
}
