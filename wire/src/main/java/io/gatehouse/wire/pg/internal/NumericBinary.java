package io.gatehouse.wire.pg.internal;

import java.nio.ByteBuffer;

/**
 * The binary form of {@code numeric} (numeric_send in PostgreSQL's utils/adt/numeric.c): Int16
 * ndigits, Int16 weight (of the first digit, in base-10000 places), UInt16 sign (0x0000 positive,
 * 0x4000 negative, 0xC000 NaN, 0xD000 +Infinity, 0xF000 -Infinity), Int16 dscale (decimal digits
 * after the point to display), then ndigits Int16 base-10000 digits.
 */
final class NumericBinary {
    private static final int POSITIVE = 0x0000;
    private static final int NEGATIVE = 0x4000;
    private static final int NAN = 0xC000;
    private static final int PLUS_INFINITY = 0xD000;
    private static final int MINUS_INFINITY = 0xF000;
    private static final int MAX_DSCALE = 0x3FFF;

    private NumericBinary() {}

    static String render(byte[] v) {
        if (v.length < 8) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(v);
        int ndigits = in.getShort();
        int weight = in.getShort();
        int sign = in.getShort() & 0xFFFF;
        int dscale = in.getShort();
        if (ndigits < 0 || v.length != 8 + 2 * ndigits || dscale < 0 || dscale > MAX_DSCALE) {
            return null;
        }
        switch (sign) {
            case NAN -> {
                return "NaN";
            }
            case PLUS_INFINITY -> {
                return "Infinity";
            }
            case MINUS_INFINITY -> {
                return "-Infinity";
            }
            case POSITIVE, NEGATIVE -> {}
            default -> {
                return null;
            }
        }
        short[] digits = new short[ndigits];
        for (int i = 0; i < ndigits; i++) {
            digits[i] = in.getShort();
            if (digits[i] < 0 || digits[i] > 9999) {
                return null;
            }
        }
        StringBuilder out = new StringBuilder();
        if (sign == NEGATIVE) {
            out.append('-');
        }
        if (weight < 0) {
            out.append('0');
        } else {
            for (int i = 0; i <= weight; i++) {
                int digit = i < ndigits ? digits[i] : 0;
                out.append(i == 0 ? Integer.toString(digit) : String.format("%04d", digit));
            }
        }
        if (dscale > 0) {
            out.append('.');
            StringBuilder fraction = new StringBuilder();
            for (int k = 1; fraction.length() < dscale; k++) {
                int index = weight + k;
                int digit = index >= 0 && index < ndigits ? digits[index] : 0;
                fraction.append(String.format("%04d", digit));
            }
            out.append(fraction, 0, dscale);
        }
        return out.toString();
    }
}
