package io.gatehouse.wire.pg;

import java.util.List;

/** 'W': a bidirectional COPY (replication) starts; {@code overallFormat} 0 text, 1 binary, and one format per column. */
public record CopyBothResponse(byte overallFormat, List<Short> columnFormats) implements BackendMessage {
    public CopyBothResponse {
        columnFormats = List.copyOf(columnFormats);
    }
}
