package io.gatehouse.wire.pg;

import io.gatehouse.wire.pg.internal.BinaryValues;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Renders a Bind parameter (or column value) as text for the record: text-format values as their
 * text; binary-format values of the common types as PostgreSQL's own text output would show them
 * (per the types' send/recv functions); anything else, and any binary value of the wrong shape,
 * as {@code \x} followed by hex. Never throws for any input.
 *
 * <p>Binary types: bool, int2, int4, int8, oid, float4, float8 (shortest round-trip digits, as
 * PostgreSQL 12+ prints them), numeric (base-10000 digits, weight, sign incl. NaN/±Infinity,
 * dscale), text, varchar, bpchar, name, json, jsonb (version byte 1 then text), bytea, uuid, date
 * (days since 2000-01-01), time (microseconds), timetz (microseconds and zone seconds west of
 * UTC), timestamp and timestamptz (microseconds since 2000-01-01, shown in UTC; ±infinity). Dates
 * and timestamps are printed in ISO style ({@code DateStyle} ISO), BC years with a " BC" suffix.
 */
public final class ParameterRenderer {
    public static final short TEXT = 0;
    public static final short BINARY = 1;

    private ParameterRenderer() {}

    /** The rendered value, or {@code null} for SQL NULL ({@code value == null}). */
    public static String render(int typeOid, short format, Bytes value) {
        return value == null ? null : render(typeOid, format, value.toByteArray());
    }

    /** The rendered value, or {@code null} for SQL NULL ({@code value == null}). */
    public static String render(int typeOid, short format, byte[] value) {
        if (value == null) {
            return null;
        }
        String rendered =
                switch (format) {
                    case TEXT -> utf8(value);
                    case BINARY -> BinaryValues.render(typeOid, value);
                    default -> null;
                };
        return rendered != null ? rendered : hex(value);
    }

    static String hex(byte[] value) {
        return "\\x" + HexFormat.of().formatHex(value);
    }

    private static String utf8(byte[] value) {
        int i = 0;
        while (i < value.length && value[i] >= 0) {
            i++;
        }
        if (i == value.length) { // all ASCII: valid UTF-8 as it is, no decoder needed
            return new String(value, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
