package io.gatehouse.wire.pg;

/** 'p' answering AuthenticationGSS/SSPI/GSSContinue. {@link #toString()} never shows the data. */
public record GSSResponse(Bytes data) implements FrontendMessage {
    @Override
    public String toString() {
        return "GSSResponse[data=<" + data.length() + " bytes redacted>]";
    }
}
