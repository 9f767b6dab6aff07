package io.gatehouse.gateway.pg;

import io.gatehouse.audit.Value;
import io.gatehouse.wire.pg.Bytes;
import io.gatehouse.wire.pg.DataRow;
import io.gatehouse.wire.pg.ParameterRenderer;
import io.gatehouse.wire.pg.RowDescription;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The first rows a statement returned, for connections whose recording content is {@code full} (issue 5:
 * "a capped preview of returned rows"). Capped twice, by rows and by the rendered bytes, so that a wide
 * or long result costs the log at most {@link PreviewLimits#bytes()} per statement; rows past either cap, and
 * rows too large to arrive whole (streamed by the decoder), are counted as left out, never buffered.
 *
 * <p>Columns are rendered as the client receives them: text format as text, binary format decoded for
 * the common types by {@link ParameterRenderer} (the same rendering as Bind parameters), SQL NULL as null.
 */
final class RowPreview {
    private final PreviewLimits limits;
    private final List<Value> rows = new ArrayList<>();
    private long bytes;
    private boolean truncated;

    RowPreview(PreviewLimits limits) {
        this.limits = limits;
    }

    /**
     * Adds one row described by {@code description} (null when none was seen: the text format is
     * assumed), with the result formats the client's Bind asked for (empty: all text, one: for all).
     */
    void add(DataRow row, RowDescription description, List<Short> resultFormats) {
        if (truncated || rows.size() >= limits.rows()) {
            truncated = true;
            return;
        }
        List<Value> columns = new ArrayList<>(row.columns().size());
        long size = 0;
        for (int i = 0; i < row.columns().size(); i++) {
            Bytes value = row.columns().get(i);
            if (value == null) {
                columns.add(new Value.Null());
                continue;
            }
            int oid = description != null && i < description.fields().size()
                    ? description.fields().get(i).typeOid()
                    : 0;
            String text = ParameterRenderer.render(oid, format(description, resultFormats, i), value);
            size += text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
            columns.add(text == null ? new Value.Null() : Value.of(text));
        }
        if (bytes + size > limits.bytes()) {
            truncated = true;
            return;
        }
        bytes += size;
        rows.add(new Value.List(columns));
    }

    /** A row that was streamed in chunks: too large for a preview. */
    void skipLarge() {
        truncated = true;
    }

    boolean isEmpty() {
        return rows.isEmpty() && !truncated;
    }

    Value rows() {
        return new Value.List(List.copyOf(rows));
    }

    boolean truncated() {
        return truncated;
    }

    private static short format(RowDescription description, List<Short> resultFormats, int column) {
        if (resultFormats.size() == 1) {
            return resultFormats.get(0);
        }
        if (column < resultFormats.size()) {
            return resultFormats.get(column);
        }
        if (description != null && column < description.fields().size()) {
            return description.fields().get(column).formatCode();
        }
        return 0;
    }
}
