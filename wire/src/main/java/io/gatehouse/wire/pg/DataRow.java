package io.gatehouse.wire.pg;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * 'D' from the server: one row; a {@code null} column is SQL NULL. Only rows up to the decoder's
 * stream threshold arrive whole; larger ones arrive as stream items (see {@link Decoded}).
 */
public record DataRow(List<Bytes> columns) implements BackendMessage {
    public DataRow {
        columns = Collections.unmodifiableList(new ArrayList<>(columns));
    }
}
