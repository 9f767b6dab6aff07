package io.gatehouse.wire.pg;

import java.util.List;

/** 'G': the server is ready for COPY FROM STDIN; {@code overallFormat} 0 text, 1 binary, and one format per column. */
public record CopyInResponse(byte overallFormat, List<Short> columnFormats) implements BackendMessage {
    public CopyInResponse {
        columnFormats = List.copyOf(columnFormats);
    }
}
