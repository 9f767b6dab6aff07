package io.gatehouse.wire.pg;

import java.util.List;

/** 'H': COPY TO STDOUT data follows; {@code overallFormat} 0 text, 1 binary, and one format per column. */
public record CopyOutResponse(byte overallFormat, List<Short> columnFormats) implements BackendMessage {
    public CopyOutResponse {
        columnFormats = List.copyOf(columnFormats);
    }
}
