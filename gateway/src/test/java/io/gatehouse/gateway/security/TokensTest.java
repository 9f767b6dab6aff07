package io.gatehouse.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokensTest {
    @Test
    void mintedTokenHasTheDocumentedFormat() {
        MintedToken token = Tokens.mint();

        assertThat(token.id()).matches("[a-z2-7]{12}");
        assertThat(token.value()).matches("gh_[a-z2-7]{12}_[A-Za-z0-9_-]{43}");
        assertThat(token.value()).startsWith("gh_" + token.id() + "_");
        assertThat(token.displayPrefix()).isEqualTo("gh_" + token.id());
    }

    @Test
    void secretPartDecodesTo32Bytes() {
        String value = Tokens.mint().value();
        byte[] secret = java.util.Base64.getUrlDecoder().decode(value.substring(16));

        assertThat(secret).hasSize(32);
    }

    @Test
    void tokensAreDistinct() {
        Set<String> values = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            MintedToken token = Tokens.mint();
            values.add(token.value());
            ids.add(token.id());
        }
        assertThat(values).hasSize(1000);
        assertThat(ids).hasSize(1000);
    }

    @Test
    void toStringDoesNotRevealTheSecret() {
        MintedToken token = Tokens.mint();
        String secret = token.value().substring(16);

        assertThat(token.toString()).contains(token.id()).doesNotContain(secret).contains("<redacted>");
    }

    @Test
    void idOfParsesAMintedToken() {
        MintedToken token = Tokens.mint();

        assertThat(Tokens.idOf(token.value())).contains(token.id());
    }

    @Test
    void idOfIsEmptyForMalformedInputAndNeverThrows() {
        String valid = Tokens.mint().value();
        assertThat(Tokens.idOf(null)).isEmpty();
        assertThat(Tokens.idOf("")).isEmpty();
        assertThat(Tokens.idOf("gh_")).isEmpty();
        assertThat(Tokens.idOf(valid + "x")).isEmpty();
        assertThat(Tokens.idOf(valid.substring(0, valid.length() - 1))).isEmpty();
        assertThat(Tokens.idOf("xx" + valid.substring(2))).isEmpty();
        assertThat(Tokens.idOf(valid.substring(0, 3) + "A" + valid.substring(4)))
                .isEmpty(); // upper case id
        assertThat(Tokens.idOf(valid.substring(0, 3) + "1" + valid.substring(4)))
                .isEmpty(); // 1 is not base32
        assertThat(Tokens.idOf(valid.substring(0, 15) + "-" + valid.substring(16)))
                .isEmpty(); // separator
        assertThat(Tokens.idOf(valid.substring(0, 20) + "+" + valid.substring(21)))
                .isEmpty(); // not base64url
        assertThat(Tokens.idOf("gh_" + "a".repeat(12) + "_" + "é".repeat(43))).isEmpty();
    }

    @Test
    void sha256OfAKnownInput() {
        // FIPS 180-2 appendix B.1: SHA-256("abc")
        assertThat(java.util.HexFormat.of().formatHex(Tokens.sha256("abc")))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void constantTimeEqualsComparesContent() {
        MintedToken token = Tokens.mint();
        byte[] stored = Tokens.sha256(token.value());

        assertThat(Tokens.constantTimeEquals(stored, Tokens.sha256(token.value())))
                .isTrue();
        assertThat(Tokens.constantTimeEquals(stored, Tokens.sha256(Tokens.mint().value())))
                .isFalse();
        assertThat(Tokens.constantTimeEquals(stored, new byte[0])).isFalse();
    }
}
