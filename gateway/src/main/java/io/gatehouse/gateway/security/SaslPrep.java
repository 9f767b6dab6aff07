package io.gatehouse.gateway.security;

import java.text.Normalizer;
import java.util.Optional;

/**
 * SASLprep (RFC 4013), the stringprep profile SCRAM applies to passwords (RFC 5802 §2.2
 * "Normalize").
 *
 * <p>PostgreSQL's rule, which we must match for verifiers to agree with what libpq and pgJDBC
 * compute: if SASLprep fails (a prohibited or unassigned character, or a bidi violation), the
 * password is used as it is (see {@code pg_saslprep} in PostgreSQL's {@code src/common/saslprep.c}
 * and "Password Authentication" in the PostgreSQL manual). {@link #prepareOrOriginal(String)}
 * implements that rule.
 *
 * <p>Limitation: "unassigned" (RFC 3454 table A.1) is approximated with the JDK's Unicode tables,
 * which are newer than Unicode 3.2; a password using a character assigned after 3.2 is prepared
 * here but used raw by PostgreSQL. Tokens are ASCII, where both agree exactly.
 */
final class SaslPrep {
    private SaslPrep() {}

    /** The prepared string, or the original when it is not a valid SASLprep input (PostgreSQL's rule). */
    static String prepareOrOriginal(String input) {
        return prepare(input).orElse(input);
    }

    /** The prepared string, or empty when RFC 4013 prohibits the input. */
    static Optional<String> prepare(String input) {
        if (isPrintableAscii(input)) {
            return Optional.of(input); // every step is the identity on printable ASCII
        }
        // RFC 4013 §2.1 mapping.
        StringBuilder mapped = new StringBuilder(input.length());
        for (int i = 0; i < input.length(); ) {
            int cp = input.codePointAt(i);
            i += Character.charCount(cp);
            if (isNonAsciiSpace(cp)) {
                mapped.append(' ');
            } else if (!isMappedToNothing(cp)) {
                mapped.appendCodePoint(cp);
            }
        }
        // §2.2 normalization: Unicode form KC.
        String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        // §2.3 prohibited output, §2.5 unassigned code points, §2.4 bidi (RFC 3454 §6).
        boolean hasRandAL = false;
        boolean hasL = false;
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            i += Character.charCount(cp);
            if (isProhibited(cp) || !Character.isDefined(cp)) {
                return Optional.empty();
            }
            byte direction = Character.getDirectionality(cp);
            hasRandAL |= direction == Character.DIRECTIONALITY_RIGHT_TO_LEFT
                    || direction == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
            hasL |= direction == Character.DIRECTIONALITY_LEFT_TO_RIGHT;
        }
        if (hasRandAL) {
            if (hasL
                    || !isRandAL(normalized.codePointAt(0))
                    || !isRandAL(normalized.codePointBefore(normalized.length()))) {
                return Optional.empty();
            }
        }
        return Optional.of(normalized);
    }

    private static boolean isPrintableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static boolean isRandAL(int cp) {
        byte direction = Character.getDirectionality(cp);
        return direction == Character.DIRECTIONALITY_RIGHT_TO_LEFT
                || direction == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
    }

    /** RFC 3454 table C.1.2. */
    private static boolean isNonAsciiSpace(int cp) {
        return cp == 0x00A0
                || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200B)
                || cp == 0x202F
                || cp == 0x205F
                || cp == 0x3000;
    }

    /** RFC 3454 table B.1. */
    private static boolean isMappedToNothing(int cp) {
        return cp == 0x00AD
                || cp == 0x034F
                || cp == 0x1806
                || (cp >= 0x180B && cp <= 0x180D)
                || (cp >= 0x200B && cp <= 0x200D)
                || cp == 0x2060
                || (cp >= 0xFE00 && cp <= 0xFE0F)
                || cp == 0xFEFF;
    }

    /** RFC 4013 §2.3: RFC 3454 tables C.1.2, C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9. */
    private static boolean isProhibited(int cp) {
        return isNonAsciiSpace(cp)
                // C.2.1 ASCII control characters
                || cp <= 0x1F
                || cp == 0x7F
                // C.2.2 non-ASCII control characters
                || (cp >= 0x80 && cp <= 0x9F)
                || cp == 0x06DD
                || cp == 0x070F
                || cp == 0x180E
                || cp == 0x200C
                || cp == 0x200D
                || cp == 0x2028
                || cp == 0x2029
                || (cp >= 0x2060 && cp <= 0x2063)
                || (cp >= 0x206A && cp <= 0x206F)
                || cp == 0xFEFF
                || (cp >= 0xFFF9 && cp <= 0xFFFC)
                || (cp >= 0x1D173 && cp <= 0x1D17A)
                // C.3 private use
                || (cp >= 0xE000 && cp <= 0xF8FF)
                || (cp >= 0xF0000 && cp <= 0xFFFFD)
                || (cp >= 0x100000 && cp <= 0x10FFFD)
                // C.4 non-character code points
                || (cp >= 0xFDD0 && cp <= 0xFDEF)
                || (cp & 0xFFFE) == 0xFFFE
                // C.5 surrogate codes
                || (cp >= 0xD800 && cp <= 0xDFFF)
                // C.6 inappropriate for plain text
                || (cp >= 0xFFF9 && cp <= 0xFFFD)
                // C.7 inappropriate for canonical representation
                || (cp >= 0x2FF0 && cp <= 0x2FFB)
                // C.8 change display properties or deprecated
                || cp == 0x0340
                || cp == 0x0341
                || cp == 0x200E
                || cp == 0x200F
                || (cp >= 0x202A && cp <= 0x202E)
                // C.9 tagging characters
                || cp == 0xE0001
                || (cp >= 0xE0020 && cp <= 0xE007F);
    }
}
