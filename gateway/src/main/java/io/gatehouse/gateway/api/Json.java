package io.gatehouse.gateway.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.gatehouse.gateway.admin.InvalidRequestException;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The API's one JSON mapper: ISO-8601 instants, no unknown-type surprises; bad request bodies are 400s. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private Json() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a request body that must be a JSON object. */
    public static JsonNode body(byte[] body) {
        if (body.length == 0) {
            throw new InvalidRequestException("the request needs a JSON object body");
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                throw new InvalidRequestException("the request body must be a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw new InvalidRequestException("the request body is not valid JSON: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A string field, or null when absent/null; a non-string value is a 400 naming the field. */
    public static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidRequestException("field '" + field + "' must be a string");
        }
        return value.asText();
    }

    public static String requiredText(JsonNode body, String field) {
        String value = text(body, field);
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException("field '" + field + "' is required");
        }
        return value;
    }
}
