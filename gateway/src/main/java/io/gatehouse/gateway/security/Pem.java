package io.gatehouse.gateway.security;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The textual encoding of RFC 7468: {@code -----BEGIN LABEL-----}, base64 of DER, {@code -----END
 * LABEL-----}. Only the strict form that OpenSSL and the JDK tools produce is written; reading
 * tolerates text around the blocks (OpenSSL's "Bag Attributes", comments) as RFC 7468 §2 allows.
 */
public final class Pem {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END ([A-Z0-9 ]+)-----");

    /** One decoded block. The DER may be a private key, so {@link #toString()} shows only its size. */
    @SuppressWarnings("ArrayRecordComponent") // arrays are cloned in and out; equals/hashCode/toString overridden
    public record Block(String label, byte[] der) {
        public Block {
            der = der.clone();
        }

        @Override
        public byte[] der() {
            return der.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Block that && label.equals(that.label) && java.util.Arrays.equals(der, that.der);
        }

        @Override
        public int hashCode() {
            return label.hashCode() * 31 + java.util.Arrays.hashCode(der);
        }

        @Override
        public String toString() {
            return "Block[label=" + label + ", " + der.length + " bytes]";
        }
    }

    private Pem() {}

    /** Encodes {@code der} under {@code label} with 64-character lines (RFC 7468 §2). */
    public static String encode(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    /**
     * All blocks in {@code text}, in order. {@code source} names the text in error messages (a file
     * path); the text itself is never quoted because it may be a private key.
     *
     * @throws IllegalArgumentException when there is no block, a BEGIN and END label differ, or the
     *     body is not base64
     */
    public static List<Block> decode(String text, String source) {
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            String label = matcher.group(1);
            if (!label.equals(matcher.group(3))) {
                throw new IllegalArgumentException(source + ": PEM block BEGIN " + label + " ends with END "
                        + matcher.group(3) + "; expected END " + label);
            }
            try {
                blocks.add(new Block(label, Base64.getMimeDecoder().decode(matcher.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        source + ": PEM block " + label + " is not valid base64; expected DER in base64", e);
            }
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException(source + ": no PEM block found; expected -----BEGIN ...----- text");
        }
        return blocks;
    }

    /**
     * The single block labelled {@code label} in {@code text}.
     *
     * @throws IllegalArgumentException when the text holds no such block or other blocks
     */
    public static byte[] decodeSingle(String text, String label, String source) {
        List<Block> blocks = decode(text, source);
        if (blocks.size() != 1 || !blocks.get(0).label().equals(label)) {
            List<String> labels = blocks.stream().map(Block::label).toList();
            throw new IllegalArgumentException(
                    source + ": expected exactly one PEM block " + label + " but found " + labels);
        }
        return blocks.get(0).der();
    }
}
