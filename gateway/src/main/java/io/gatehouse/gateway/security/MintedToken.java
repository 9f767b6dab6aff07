package io.gatehouse.gateway.security;

import java.util.Objects;

/**
 * A freshly minted access token: shown once to its owner, then only its hash and verifiers are
 * kept.
 *
 * @param id the public token id (12 lowercase base32 characters), used to list and revoke
 * @param value the whole secret token {@code gh_<id>_<secret>}; never logged, never in {@link
 *     #toString()}
 * @param displayPrefix the non-secret part to show in listings, {@code gh_<id>}
 */
public record MintedToken(String id, String value, String displayPrefix) {
    public MintedToken {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(displayPrefix, "displayPrefix");
    }

    @Override
    public String toString() {
        return "MintedToken[id=" + id + ", displayPrefix=" + displayPrefix + ", value=<redacted>]";
    }
}
