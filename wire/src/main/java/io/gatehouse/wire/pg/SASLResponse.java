package io.gatehouse.wire.pg;

/** 'p' answering AuthenticationSASLContinue. {@link #toString()} never shows the data. */
public record SASLResponse(Bytes data) implements FrontendMessage {
    @Override
    public String toString() {
        return "SASLResponse[data=<" + data.length() + " bytes redacted>]";
    }
}
