package io.gatehouse.wire.pg;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * 'B': bind {@code parameterValues} to prepared statement {@code statement}, creating portal
 * {@code portal}. A {@code null} value is SQL NULL. Format lists follow the protocol's rule: empty
 * = all text, one entry = applies to all, otherwise one per parameter/column ({@link
 * #parameterFormat(int)} applies it).
 */
public record Bind(
        String portal,
        String statement,
        List<Short> parameterFormats,
        List<Bytes> parameterValues,
        List<Short> resultFormats)
        implements FrontendMessage {
    public Bind {
        parameterFormats = List.copyOf(parameterFormats);
        parameterValues = Collections.unmodifiableList(new ArrayList<>(parameterValues));
        resultFormats = List.copyOf(resultFormats);
    }

    /** The format code (0 text, 1 binary) that applies to parameter {@code index}. */
    public short parameterFormat(int index) {
        return switch (parameterFormats.size()) {
            case 0 -> 0;
            case 1 -> parameterFormats.get(0);
            default -> index < parameterFormats.size() ? parameterFormats.get(index) : 0;
        };
    }
}
