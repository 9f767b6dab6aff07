package io.gatehouse.wire.pg.internal;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.HexFormat;

/**
 * Binary-format values of the common types, rendered like PostgreSQL's text output. Each method
 * returns {@code null} when the bytes do not have the type's shape; the caller then shows hex.
 */
public final class BinaryValues {
    private static final LocalDate POSTGRES_EPOCH = LocalDate.of(2000, 1, 1);
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private BinaryValues() {}

    public static String render(int typeOid, byte[] v) {
        try {
            return switch (typeOid) {
                case 16 -> v.length == 1 && (v[0] == 0 || v[0] == 1) ? (v[0] == 1 ? "true" : "false") : null;
                case 21 -> v.length == 2 ? Short.toString(ByteBuffer.wrap(v).getShort()) : null;
                case 23 -> v.length == 4 ? Integer.toString(ByteBuffer.wrap(v).getInt()) : null;
                case 20 -> v.length == 8 ? Long.toString(ByteBuffer.wrap(v).getLong()) : null;
                case 26 ->
                    v.length == 4 ? Integer.toUnsignedString(ByteBuffer.wrap(v).getInt()) : null;
                case 700 -> v.length == 4 ? float4(ByteBuffer.wrap(v).getFloat()) : null;
                case 701 -> v.length == 8 ? float8(ByteBuffer.wrap(v).getDouble()) : null;
                case 1700 -> NumericBinary.render(v);
                case 25, 1043, 1042, 19, 114 -> utf8(v, 0);
                case 3802 -> v.length >= 1 && v[0] == 1 ? utf8(v, 1) : null;
                case 17 -> "\\x" + HexFormat.of().formatHex(v);
                case 2950 -> v.length == 16 ? uuid(v) : null;
                case 1082 -> v.length == 4 ? date(ByteBuffer.wrap(v).getInt()) : null;
                case 1083 -> v.length == 8 ? time(ByteBuffer.wrap(v).getLong()) : null;
                case 1266 -> v.length == 12 ? timetz(ByteBuffer.wrap(v)) : null;
                case 1114 -> v.length == 8 ? timestamp(ByteBuffer.wrap(v).getLong(), "") : null;
                case 1184 -> v.length == 8 ? timestamp(ByteBuffer.wrap(v).getLong(), "+00") : null;
                default -> null;
            };
        } catch (DateTimeException | ArithmeticException e) {
            return null; // out of the range java.time or long arithmetic can represent
        }
    }

    private static String utf8(byte[] v, int offset) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(v, offset, v.length - offset))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static String float4(float value) {
        if (Float.isNaN(value) || Float.isInfinite(value)) {
            return special(value);
        }
        return shortestDecimal(Float.toString(value), 6);
    }

    static String float8(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return special(value);
        }
        return shortestDecimal(Double.toString(value), 15);
    }

    private static String special(double value) {
        return Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
    }

    /**
     * PostgreSQL (12+) prints the shortest digits that round-trip, in plain notation when the
     * decimal exponent is in [-4, precision) and as {@code d.ddde±XX} otherwise (float.c, with
     * FLT_DIG 6 and DBL_DIG 15). Java's toString gives the same shortest digits (JDK 19+).
     */
    private static String shortestDecimal(String javaString, int precision) {
        boolean negative = javaString.startsWith("-");
        BigDecimal decimal = new BigDecimal(javaString).stripTrailingZeros();
        if (decimal.signum() == 0) {
            return negative ? "-0" : "0";
        }
        String digits = decimal.unscaledValue().abs().toString();
        int exponent = digits.length() - decimal.scale() - 1;
        if (exponent >= -4 && exponent < precision) {
            return decimal.toPlainString();
        }
        StringBuilder out = new StringBuilder(negative ? "-" : "").append(digits.charAt(0));
        if (digits.length() > 1) {
            out.append('.').append(digits, 1, digits.length());
        }
        out.append('e').append(exponent < 0 ? '-' : '+');
        int magnitude = Math.abs(exponent);
        return out.append(magnitude < 10 ? "0" : "").append(magnitude).toString();
    }

    private static String uuid(byte[] v) {
        String hex = HexFormat.of().formatHex(v);
        return hex.substring(0, 8)
                + '-'
                + hex.substring(8, 12)
                + '-'
                + hex.substring(12, 16)
                + '-'
                + hex.substring(16, 20)
                + '-'
                + hex.substring(20);
    }

    private static String date(int days) {
        if (days == Integer.MAX_VALUE) {
            return "infinity";
        }
        if (days == Integer.MIN_VALUE) {
            return "-infinity";
        }
        return isoDate(POSTGRES_EPOCH.plusDays(days));
    }

    private static String isoDate(LocalDate date) {
        int year = date.getYear();
        boolean bc = year <= 0;
        String text = String.format("%04d-%02d-%02d", bc ? 1 - year : year, date.getMonthValue(), date.getDayOfMonth());
        return bc ? text + " BC" : text;
    }

    private static String time(long micros) {
        if (micros < 0 || micros > MICROS_PER_DAY) {
            return null;
        }
        if (micros == MICROS_PER_DAY) {
            return "24:00:00";
        }
        return clock(LocalTime.ofNanoOfDay(micros * 1000));
    }

    private static String clock(LocalTime time) {
        String text = String.format("%02d:%02d:%02d", time.getHour(), time.getMinute(), time.getSecond());
        int micros = time.getNano() / 1000;
        if (micros == 0) {
            return text;
        }
        String fraction = String.format("%06d", micros).replaceAll("0+$", "");
        return text + "." + fraction;
    }

    private static String timetz(ByteBuffer in) {
        String time = time(in.getLong());
        int secondsWest = in.getInt();
        // PostgreSQL limits zone offsets to ±15:59:59 (TZDISP_LIMIT)
        if (time == null || Math.abs(secondsWest) >= 16 * 3600) {
            return null;
        }
        int east = -secondsWest;
        int magnitude = Math.abs(east);
        StringBuilder zone = new StringBuilder(east < 0 ? "-" : "+").append(String.format("%02d", magnitude / 3600));
        if (magnitude % 3600 != 0) {
            zone.append(String.format(":%02d", magnitude / 60 % 60));
            if (magnitude % 60 != 0) {
                zone.append(String.format(":%02d", magnitude % 60));
            }
        }
        return time + zone;
    }

    private static String timestamp(long micros, String zone) {
        if (micros == Long.MAX_VALUE) {
            return "infinity";
        }
        if (micros == Long.MIN_VALUE) {
            return "-infinity";
        }
        long days = Math.floorDiv(micros, MICROS_PER_DAY);
        long microOfDay = Math.floorMod(micros, MICROS_PER_DAY);
        LocalDateTime dateTime = POSTGRES_EPOCH.plusDays(days).atTime(LocalTime.ofNanoOfDay(microOfDay * 1000));
        String date = isoDate(dateTime.toLocalDate());
        String clock = clock(dateTime.toLocalTime()) + zone;
        return date.endsWith(" BC") ? date.substring(0, date.length() - 3) + " " + clock + " BC" : date + " " + clock;
    }
}
