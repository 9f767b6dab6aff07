package io.gatehouse.gateway.security;

import java.util.Optional;

/**
 * Connector tokens: {@code ghc_<id>_<secret>}, the format of identity tokens ({@link Tokens}) under their own
 * prefix, so a leaked one is recognisable as a connector's and can never be used as a client's.
 */
public final class ConnectorTokens {
    public static final String PREFIX = "ghc_";

    private ConnectorTokens() {}

    public static MintedToken mint() {
        MintedToken token = Tokens.mint();
        String value = PREFIX + token.value().substring(Tokens.PREFIX.length());
        return new MintedToken(token.id(), value, PREFIX + token.id());
    }

    /** The id of a presented connector token, or empty when it does not have the format. */
    public static Optional<String> idOf(String presented) {
        if (presented == null || !presented.startsWith(PREFIX)) {
            return Optional.empty();
        }
        return Tokens.idOf(Tokens.PREFIX + presented.substring(PREFIX.length()));
    }
}
