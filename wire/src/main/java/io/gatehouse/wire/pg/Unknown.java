package io.gatehouse.wire.pg;

/**
 * A message whose tag this codec does not know (or, in the frontend, a 'p' outside
 * authentication): kept raw so that it re-encodes byte for byte. {@link #toString()} shows only
 * the length, as the payload may be a credential.
 */
public record Unknown(char tag, Bytes payload) implements FrontendMessage, BackendMessage {
    @Override
    public String toString() {
        return "Unknown[tag=" + (tag >= 0x21 && tag < 0x7F ? "'" + tag + "'" : "0x" + Integer.toHexString(tag))
                + ", payload=<" + payload.length() + " bytes>]";
    }
}
