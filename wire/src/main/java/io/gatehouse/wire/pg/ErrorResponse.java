package io.gatehouse.wire.pg;

import java.util.Map;

/**
 * 'E' from the server: an error, as fields keyed by their code ('S' severity, 'V' non-localized
 * severity, 'C' SQLSTATE, 'M' message, 'D' detail, 'H' hint, 'P' position, …), in wire order.
 */
public record ErrorResponse(Map<Character, String> fields) implements BackendMessage {
    public ErrorResponse {
        fields = NoticeFields.copy(fields);
    }

    /** The error a gateway sends itself: severity (e.g. {@code FATAL}), SQLSTATE and message. */
    public static ErrorResponse of(String severity, String sqlState, String message) {
        return new ErrorResponse(NoticeFields.of(severity, sqlState, message));
    }

    public String severity() {
        return fields.getOrDefault('V', fields.get('S'));
    }

    public String sqlState() {
        return fields.get('C');
    }

    public String message() {
        return fields.get('M');
    }
}
