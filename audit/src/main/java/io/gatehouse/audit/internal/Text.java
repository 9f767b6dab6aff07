package io.gatehouse.audit.internal;

import java.util.Comparator;

/** String rules shared by the event model and the checkpoint format. */
public final class Text {
    private Text() {}

    /**
     * Order of strings by their UTF-8 bytes. For well-formed strings this is Unicode code point order, which differs
     * from {@link String#compareTo} (UTF-16 order) for supplementary characters versus U+E000..U+FFFF. The canonical
     * encoding sorts map keys this way so that a verifier in any language can check the order on the bytes.
     */
    public static final Comparator<String> UTF8_ORDER = Text::compareCodePoints;

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /**
     * Rejects strings with unpaired surrogates: they have no UTF-8 form, so encoding them would silently replace
     * characters and break decode(encode(e)) == e.
     */
    public static String requireWellFormed(String value, String what) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new IllegalArgumentException(
                        what + " has an unpaired surrogate at char " + i + "; expected well-formed Unicode text");
            }
            if (Character.isLowSurrogate(c)) {
                throw new IllegalArgumentException(
                        what + " has an unpaired surrogate at char " + i + "; expected well-formed Unicode text");
            }
        }
        return value;
    }
}
