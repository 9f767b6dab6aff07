package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.gateway.config.ConfigException;
import io.gatehouse.gateway.config.GatewayConfig;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Shared by {@code sessions} and {@code timeline}: time options, query strings and one-line events. */
final class Review {
    static final int MAX_SQL = 60;
    private static final int MAX_FIELD = 80;

    private Review() {}

    /** {@code 1h}, {@code 30m}, {@code 2d} (that long before now) or an ISO-8601 instant. */
    static String instant(String option, String text, Clock clock) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text.strip()).toString();
        } catch (DateTimeParseException notAnInstant) {
            try {
                return clock.instant()
                        .minus(GatewayConfig.parseDuration(option, text))
                        .toString();
            } catch (ConfigException e) {
                throw new CliException(option + " must be a duration before now such as 1h, 30m or 2d, or an"
                        + " ISO-8601 instant such as 2026-11-24T10:00:00Z, not '" + text + "'");
            }
        }
    }

    /** {@code ?a=1&b=2} of the non-null values, URL-encoded; empty when all are null. */
    static String query(Map<String, String> params) {
        List<String> parts = new ArrayList<>();
        params.forEach((k, v) -> {
            if (v != null) {
                parts.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }

    static String shorten(String text, int max) {
        if (text == null) {
            return null;
        }
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() > max ? flat.substring(0, max - 1) + "…" : flat;
    }

    /** A command's outcome in a few words: {@code ok SELECT 3, 3 rows} or {@code error 42501 permission denied}. */
    static String outcome(JsonNode result) {
        if (result == null || result.isNull()) {
            return "(running)";
        }
        StringBuilder sb = new StringBuilder(text(result, "status", "?"));
        for (String field : List.of("tag", "sqlstate")) {
            if (result.hasNonNull(field)) {
                sb.append(' ').append(result.get(field).asText());
            }
        }
        if (result.hasNonNull("rows") && !result.hasNonNull("sqlstate")) {
            sb.append(", ").append(result.get("rows").asLong()).append(" rows");
        }
        if (result.hasNonNull("error")) {
            sb.append(' ').append(shorten(result.get("error").asText(), 24));
        }
        return sb.toString();
    }

    static String integrity(JsonNode n) {
        return text(n.path("integrity"), "status", "?");
    }

    /** One event as one terminal line: index, local time, kind, identity@connection, its fields shortened. */
    static String eventLine(JsonNode e) {
        StringBuilder fields = new StringBuilder();
        Iterator<Map.Entry<String, JsonNode>> it = e.path("fields").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode v = f.getValue();
            String shown =
                    v.isTextual() ? "'" + shorten(v.asText(), MAX_FIELD) + "'" : shorten(v.toString(), MAX_FIELD);
            fields.append(' ').append(f.getKey()).append('=').append(shown);
        }
        return "#" + e.path("index").asLong() + " " + Times.local(text(e, "time", null)) + " "
                + text(e, "kind", "?") + " " + text(e, "identity", "-") + "@" + text(e, "connection", "-") + fields
                + " [" + integrity(e) + "]";
    }

    static String text(JsonNode n, String field, String otherwise) {
        String v = Table.text(n, field);
        return v == null ? otherwise : v;
    }
}
