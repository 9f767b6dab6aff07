package io.gatehouse.wire.pg;

/**
 * What a 'p' message from the client means, which depends on the last authentication request the
 * server sent ("Message Formats": PasswordMessage, SASLInitialResponse, SASLResponse and
 * GSSResponse all share the tag 'p' and cannot be told apart by their bytes). The proxy tells
 * the {@link FrontendDecoder} the phase; {@link #after(BackendMessage)} derives it.
 */
public enum FrontendPhase {
    /** After AuthenticationCleartextPassword or AuthenticationMD5Password. */
    PASSWORD,
    /** After AuthenticationSASL. */
    SASL_INITIAL_RESPONSE,
    /** After AuthenticationSASLContinue. */
    SASL_RESPONSE,
    /** After AuthenticationGSS, AuthenticationSSPI or AuthenticationGSSContinue (codes 7, 8, 9). */
    GSS_RESPONSE,
    /** After authentication: 'p' has no meaning and decodes as {@link Unknown}. */
    NORMAL;

    /** The phase the frontend is in once the server has sent {@code message}. */
    public FrontendPhase after(BackendMessage message) {
        return switch (message) {
            case AuthenticationCleartextPassword ignored -> PASSWORD;
            case AuthenticationMD5Password ignored -> PASSWORD;
            case AuthenticationSASL ignored -> SASL_INITIAL_RESPONSE;
            case AuthenticationSASLContinue ignored -> SASL_RESPONSE;
            case AuthenticationOther other when other.code() >= 7 && other.code() <= 9 -> GSS_RESPONSE;
            case AuthenticationOk ignored -> NORMAL;
            default -> this;
        };
    }
}
