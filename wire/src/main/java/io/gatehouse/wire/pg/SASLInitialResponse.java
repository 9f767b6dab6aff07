package io.gatehouse.wire.pg;

/**
 * 'p' answering AuthenticationSASL: the chosen {@code mechanism} and its first message ({@code
 * null} when the client sent none, length -1). {@link #toString()} never shows the data.
 */
public record SASLInitialResponse(String mechanism, Bytes initialResponse) implements FrontendMessage {
    @Override
    public String toString() {
        return "SASLInitialResponse[mechanism=" + mechanism + ", initialResponse=<"
                + (initialResponse == null ? "none" : initialResponse.length() + " bytes redacted") + ">]";
    }
}
