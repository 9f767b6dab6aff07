package io.gatehouse.wire.pg;

import java.util.Map;

/**
 * 'N': a notice (warning, info), as fields keyed by their code ('S' severity, 'V' non-localized
 * severity, 'C' SQLSTATE, 'M' message, 'D' detail, 'H' hint, 'P' position, …), in wire order.
 */
public record NoticeResponse(Map<Character, String> fields) implements BackendMessage {
    public NoticeResponse {
        fields = NoticeFields.copy(fields);
    }

    /** A notice a gateway sends itself: severity (e.g. {@code FATAL}), SQLSTATE and message. */
    public static NoticeResponse of(String severity, String sqlState, String message) {
        return new NoticeResponse(NoticeFields.of(severity, sqlState, message));
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
