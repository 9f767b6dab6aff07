package io.gatehouse.wire.pg;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Field-map helpers shared by {@link ErrorResponse} and {@link NoticeResponse}. */
final class NoticeFields {
    private NoticeFields() {}

    static Map<Character, String> copy(Map<Character, String> fields) {
        for (Map.Entry<Character, String> field : fields.entrySet()) {
            if (field.getKey() == 0 || field.getKey() > 0xFF) {
                throw new IllegalArgumentException("field code must be a non-zero byte, got " + (int) field.getKey());
            }
            if (field.getValue() == null) {
                throw new IllegalArgumentException("field '" + field.getKey() + "' has no value");
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    static Map<Character, String> of(String severity, String sqlState, String message) {
        Map<Character, String> fields = new LinkedHashMap<>();
        fields.put('S', severity);
        fields.put('V', severity);
        fields.put('C', sqlState);
        fields.put('M', message);
        return fields;
    }
}
