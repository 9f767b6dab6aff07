package io.gatehouse.gateway.security;

import java.util.Base64;

/** Parsing helpers shared by both sides of a SCRAM exchange (the grammar of RFC 5802 §7). */
final class ScramAttributes {
    private ScramAttributes() {}

    /** Splits a message into its comma-separated parts; RFC 5802 values never contain a comma. */
    static String[] split(String message) {
        return message.split(",", -1);
    }

    /**
     * The value of {@code part} if it is {@code <name>=<value>}.
     *
     * @throws ScramException ({@link ScramException.Reason#INVALID_ENCODING}) otherwise
     */
    static String value(String part, char name, String what) throws ScramException {
        if (part.length() < 2 || part.charAt(0) != name || part.charAt(1) != '=') {
            throw new ScramException(
                    ScramException.Reason.INVALID_ENCODING,
                    what + " must have attribute " + name + "= here but has " + describe(part));
        }
        return part.substring(2);
    }

    /** Whether {@code part} is a well-formed {@code attr-val} (RFC 5802 §7: ALPHA "=" value). */
    static boolean isAttribute(String part) {
        return part.length() >= 2 && isAlpha(part.charAt(0)) && part.charAt(1) == '=';
    }

    /** RFC 5802 §7 {@code printable}: %x21-2B / %x2D-7E (visible ASCII except comma). */
    static void requireNonce(String nonce, String what) throws ScramException {
        if (nonce.isEmpty()) {
            throw new ScramException(ScramException.Reason.INVALID_ENCODING, what + " has an empty nonce (r=)");
        }
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            if (c < 0x21 || c > 0x7e || c == ',') {
                throw new ScramException(
                        ScramException.Reason.INVALID_ENCODING,
                        what + " nonce has character U+" + String.format("%04X", (int) c) + " at index " + i
                                + "; expected printable ASCII other than ','");
            }
        }
    }

    /** RFC 5802 §5.1 saslname: '=' only as "=2C" or "=3D". Returns the decoded name. */
    static String decodeSaslName(String encoded) throws ScramException {
        StringBuilder name = new StringBuilder(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '=') {
                if (encoded.startsWith("2C", i + 1)) {
                    name.append(',');
                } else if (encoded.startsWith("3D", i + 1)) {
                    name.append('=');
                } else {
                    throw new ScramException(
                            ScramException.Reason.INVALID_USERNAME_ENCODING,
                            "username has '=' at index " + i + " not followed by 2C or 3D");
                }
                i += 2;
            } else {
                name.append(c);
            }
        }
        return name.toString();
    }

    static String encodeSaslName(String name) {
        return name.replace("=", "=3D").replace(",", "=2C");
    }

    static byte[] base64(String value, String what) throws ScramException {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new ScramException(ScramException.Reason.INVALID_ENCODING, what + " is not valid base64");
        }
    }

    /** A short, non-secret description of an unexpected part: its attribute name and length only. */
    static String describe(String part) {
        if (part.isEmpty()) {
            return "an empty part";
        }
        return part.length() >= 2 && part.charAt(1) == '='
                ? "attribute " + part.charAt(0) + "= (" + part.length() + " characters)"
                : "a part of " + part.length() + " characters without '='";
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
