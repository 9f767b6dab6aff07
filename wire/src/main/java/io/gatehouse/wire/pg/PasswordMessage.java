package io.gatehouse.wire.pg;

/**
 * 'p' answering AuthenticationCleartextPassword or AuthenticationMD5Password: the password, or
 * {@code "md5" + hex}. {@link #toString()} never shows it.
 */
public record PasswordMessage(String password) implements FrontendMessage {
    @Override
    public String toString() {
        return "PasswordMessage[password=<redacted>]";
    }
}
